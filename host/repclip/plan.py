"""The training plan: a human-edited TOML file, checked line by line.

A plan has an athlete, a start date, thresholds that say what "green" means,
a contingency policy (missed days, backing off) and blocks of weeks. Each
block has a focus (strength / stability / mobility / plyometrics) and
sessions on weekdays ("mon".."sun") or day indexes (1..7, counted from the
plan's start weekday). A session lists exercises with sets, reps *or* hops,
tempo ("3-1-1", "X" explosive), load_kg, side (L / R / both), rest_s and a
progression rule, e.g. ``{ add_reps = 2, max_reps = 12, then_add_kg = 2,
every_weeks = 2 }`` = "+2 reps every 2 weeks up to 12, then +2 kg and back to
the starting reps". See host/repclip/data/sample_plan.toml and docs/host.md.

Every error is a PlanError whose message names the file, the line and the
problem, and says how to fix it. Semantic errors find their line by scanning
the source text (tomllib keeps no positions).
"""

import bisect
import datetime
import json
import pathlib
import re
import tomllib

from repcore.tempo import TempoError, parse_tempo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FOCI = ("strength", "stability", "mobility", "plyometrics", "mixed")
SIDES = ("L", "R", "both")

# Known exercises: mode and FIT SDK exercise category (squat=28, plyo=20, deadlift=8, lunge=17).
EXERCISES = {
    "goblet_squat": ("strength", "squat"),
    "split_squat": ("strength", "lunge"),
    "step_up": ("strength", "lunge"),
    "single_leg_deadlift": ("strength", "deadlift"),
    "squat": ("strength", "squat"),
    "pogo_hops": ("hops", "plyo"),
    "low_hops": ("hops", "plyo"),
    "lateral_bounds": ("hops", "plyo"),
    "countermovement_jump": ("hops", "plyo"),
}

DEFAULT_THRESHOLDS = {
    "tempo_compliance": 0.80,
    "missed_reps": 0.10,
    "rpe_max": 8.0,
    "discomfort_hold": 3.0,
    "discomfort_back_off": 5.0,
    "landing_rise_sessions": 2,
    "asymmetry": 0.15,
}
DEFAULT_CONTINGENCY = {
    "window_days": 2,
    "missed_day": "shift",
    "back_off_load": 0.9,
    "back_off_reps": 0.75,
    "note": "",
}
PROGRESSION_KEYS = ("add_reps", "max_reps", "then_add_kg", "add_kg", "add_hops", "max_hops", "every_weeks")
EXERCISE_KEYS = ("exercise", "sets", "reps", "hops", "tempo", "load_kg", "side", "rest_s", "progression",
                 "note", "mount")
SESSION_KEYS = ("name", "days", "focus", "exercises", "note")
BLOCK_KEYS = ("name", "weeks", "focus", "sessions", "note")
TOP_KEYS = ("athlete", "start", "units", "thresholds", "contingency", "blocks", "note")
# A prescription travels in one link frame (repcore.frame.MAX_PAYLOAD = 4096) with some envelope.
MAX_PRESCRIPTION_BYTES = 3584
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class PlanError(ValueError):
    """A plan file that cannot be used; the message says file, line, problem and fix."""


# -- model -------------------------------------------------------------------

class Progression:
    """A double-progression rule applied once per `every_weeks` green weeks."""

    def __init__(self, add_reps=0, max_reps=None, then_add_kg=0.0, add_kg=0.0, add_hops=0, max_hops=None,
                 every_weeks=1):
        self.add_reps = add_reps
        self.max_reps = max_reps
        self.then_add_kg = then_add_kg
        self.add_kg = add_kg
        self.add_hops = add_hops
        self.max_hops = max_hops
        self.every_weeks = every_weeks

    def step(self, base_reps, reps, hops, load_kg):
        """One step forward: (reps, hops, load_kg)."""
        if reps is not None:
            if self.add_reps and (self.max_reps is None or reps + self.add_reps <= self.max_reps):
                reps += self.add_reps
            elif self.then_add_kg and load_kg is not None:
                load_kg += self.then_add_kg
                reps = base_reps
            if self.add_kg and load_kg is not None:
                load_kg += self.add_kg
        if hops is not None and self.add_hops:
            hops = hops + self.add_hops
            if self.max_hops is not None:
                hops = min(hops, self.max_hops)
        return reps, hops, load_kg

    def describe(self):
        parts = []
        if self.add_reps:
            parts.append("+%d reps%s" % (self.add_reps, "" if self.max_reps is None else " up to %d" % self.max_reps))
        if self.then_add_kg:
            parts.append("then +%g kg" % self.then_add_kg)
        if self.add_kg:
            parts.append("+%g kg" % self.add_kg)
        if self.add_hops:
            parts.append("+%d hops%s" % (self.add_hops, "" if self.max_hops is None else " up to %d" % self.max_hops))
        if not parts:
            return "none"
        return ", ".join(parts) + " every %d week%s when green" % (self.every_weeks, "" if self.every_weeks == 1 else "s")


class Exercise:
    """One prescribed exercise (base values; see `at_step` for progressed ones)."""

    def __init__(self, exercise, sets, reps=None, hops=None, tempo=None, load_kg=None, side="both", rest_s=None,
                 progression=None, note="", mount=None):
        self.exercise = exercise
        self.sets = sets
        self.reps = reps
        self.hops = hops
        self.tempo = tempo
        self.load_kg = load_kg
        self.side = side
        self.rest_s = rest_s
        self.progression = progression
        self.note = note
        self.mount = mount

    @property
    def mode(self):
        return "hops" if self.hops is not None else "strength"

    @property
    def category(self):
        return EXERCISES.get(self.exercise, (self.mode, "plyo" if self.mode == "hops" else "squat"))[1]

    def copy(self, **changes):
        e = Exercise(self.exercise, self.sets, self.reps, self.hops, self.tempo, self.load_kg, self.side,
                     self.rest_s, self.progression, self.note, self.mount)
        for k, v in changes.items():
            setattr(e, k, v)
        return e

    def at_step(self, steps):
        """This exercise after `steps` progression steps (all green)."""
        e = self.copy()
        if self.progression is None:
            return e
        for _ in range(steps):
            e.reps, e.hops, e.load_kg = self.progression.step(self.reps, e.reps, e.hops, e.load_kg)
        return e

    def next_step(self, base_reps=None):
        """The prescription one progression step further (a push)."""
        e = self.copy()
        if self.progression is not None:
            e.reps, e.hops, e.load_kg = self.progression.step(
                base_reps if base_reps is not None else self.reps, e.reps, e.hops, e.load_kg)
        return e

    def backed_off(self, load_factor, reps_factor):
        e = self.copy()
        if e.load_kg is not None:
            e.load_kg = round(e.load_kg * load_factor * 2) / 2  # nearest 0.5 kg
        if e.reps is not None:
            e.reps = max(1, int(e.reps * reps_factor + 0.5))
        if e.hops is not None:
            e.hops = max(1, int(e.hops * reps_factor + 0.5))
        return e

    @property
    def volume(self):
        """Total prescribed reps (or hops); both sides count separately."""
        per_set = self.reps if self.reps is not None else (self.hops or 0)
        return self.sets * per_set * (2 if self.side == "both" and self.mode == "strength" and
                                      self.exercise in _UNILATERAL else 1)

    def to_dict(self):
        d = {"exercise": self.exercise, "mode": self.mode, "sets": self.sets}
        if self.reps is not None:
            d["reps"] = self.reps
        if self.hops is not None:
            d["hops"] = self.hops
        d["tempo"] = self.tempo
        d["load_kg"] = self.load_kg
        d["side"] = self.side
        if self.rest_s is not None:
            d["rest_s"] = self.rest_s
        if self.mount:
            d["mount"] = self.mount
        return d

    def describe(self):
        amount = "%d x %d %s" % (self.sets, self.reps if self.reps is not None else self.hops,
                                 "reps" if self.reps is not None else "hops")
        bits = [self.exercise.replace("_", " "), amount]
        if self.tempo:
            bits.append("tempo " + self.tempo)
        if self.load_kg is not None:
            bits.append("%g kg" % self.load_kg)
        if self.side != "both":
            bits.append("side " + self.side)
        return ", ".join(bits)


# Exercises done one side at a time: "both" means every set is done left and right.
_UNILATERAL = ("split_squat", "step_up", "single_leg_deadlift")


class PlannedSession:
    """What the plan says for one date."""

    def __init__(self, date, block, week, week_in_block, name, focus, exercises, note=""):
        self.date = date
        self.block = block
        self.week = week
        self.week_in_block = week_in_block
        self.name = name
        self.focus = focus
        self.exercises = exercises
        self.note = note

    def exercise(self, name):
        for e in self.exercises:
            if e.exercise == name:
                return e
        return None

    def to_dict(self):
        return {"date": self.date.isoformat(), "block": self.block, "week": self.week,
                "week_in_block": self.week_in_block, "session": self.name, "focus": self.focus,
                "exercises": [e.to_dict() for e in self.exercises]}


class SessionTemplate:
    def __init__(self, name, days, focus, exercises, note=""):
        self.name = name
        self.days = days  # weekday names and/or day indexes 1..7
        self.focus = focus
        self.exercises = exercises
        self.note = note


class Block:
    def __init__(self, name, weeks, focus, sessions, note=""):
        self.name = name
        self.weeks = weeks
        self.focus = focus
        self.sessions = sessions
        self.note = note


class Plan:
    def __init__(self, athlete, start, blocks, thresholds, contingency, units="kg", path=None, note=""):
        self.athlete = athlete
        self.start = start
        self.blocks = blocks
        self.thresholds = thresholds
        self.contingency = contingency
        self.units = units
        self.path = path
        self.note = note
        self._block_starts = None  # first week (0-based) of each block, built on first use

    @property
    def weeks(self):
        return sum(b.weeks for b in self.blocks)

    @property
    def end(self):
        return self.start + datetime.timedelta(days=7 * self.weeks - 1)

    def _locate(self, date):
        """(block, week overall 1.., week in block 1..) or None outside the plan."""
        days = (date - self.start).days
        if days < 0:
            return None
        week = days // 7
        if self._block_starts is None:
            starts, total = [], 0
            for block in self.blocks:
                starts.append(total)
                total += block.weeks
            self._block_starts = starts
        i = bisect.bisect_right(self._block_starts, week) - 1
        block = self.blocks[i]
        if week - self._block_starts[i] >= block.weeks:
            return None
        return block, week + 1, week - self._block_starts[i] + 1

    def sessions_on(self, date):
        date = _as_date(date)
        where = self._locate(date)
        if where is None:
            return []
        block, week, week_in_block = where
        day_index = (date - self.start).days % 7 + 1
        weekday = WEEKDAYS[date.weekday()]
        out = []
        for t in block.sessions:
            if weekday in t.days or day_index in t.days:
                exercises = []
                for e in t.exercises:
                    steps = (week_in_block - 1) // e.progression.every_weeks if e.progression else 0
                    exercises.append(e.at_step(steps))
                out.append(PlannedSession(date, block.name, week, week_in_block, t.name, t.focus or block.focus,
                                          exercises, t.note))
        return out

    def session_for(self, date):
        """The planned session on `date` (a date, datetime or ISO string), or None on a rest day."""
        found = self.sessions_on(date)
        return found[0] if found else None

    def next_session(self, after):
        """The first planned session on or after `after`, or None when the plan is over."""
        day = max(_as_date(after), self.start)
        while day <= self.end:
            s = self.session_for(day)
            if s is not None:
                return s
            day += datetime.timedelta(days=1)
        return None

    def planned_sessions(self, first=None, last=None):
        day = max(_as_date(first) if first else self.start, self.start)
        last = min(_as_date(last) if last else self.end, self.end)
        out = []
        while day <= last:
            out.extend(self.sessions_on(day))
            day += datetime.timedelta(days=1)
        return out

    def prescription_for(self, date):
        """JSON-able dict for the device: today's exercises (empty list with rest=True on a rest day)."""
        date = _as_date(date)
        s = self.session_for(date)
        out = {"v": 1, "date": date.isoformat(), "athlete": self.athlete}
        if s is None:
            out.update({"rest": True, "session": None, "exercises": []})
            return out
        out.update({"rest": False, "session": s.name, "block": s.block, "week": s.week, "focus": s.focus,
                    "exercises": [e.to_dict() for e in s.exercises]})
        return out


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise PlanError("%r is not a date; write it as YYYY-MM-DD" % value) from None
    raise PlanError("%r is not a date; write it as YYYY-MM-DD" % (value,))


# -- source positions ----------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\s\"]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-\".]+)\s*=")
_INLINE_KEY_RE = re.compile(r"([A-Za-z0-9_\-]+)\s*=")


def index_lines(text):
    """Map of key paths -> 1-based line numbers, e.g. ('blocks', 0, 'sessions', 1, 'name') -> 42."""
    lines = {}
    latest = {}  # dotted table name -> its current path
    counts = {}
    current = ()
    for lineno, raw in enumerate(text.splitlines(), 1):
        m = _HEADER_RE.match(raw)
        if m and raw.strip().startswith("["):
            name = m.group(2).replace('"', "").replace(" ", "")
            parts = name.split(".")
            parent_name = ".".join(parts[:-1])
            parent = latest.get(parent_name, tuple(parts[:-1])) if parent_name else ()
            if m.group(1) == "[[":
                k = (parent, parts[-1])
                idx = counts.get(k, 0)
                counts[k] = idx + 1
                current = parent + (parts[-1], idx)
            else:
                current = parent + (parts[-1],)
            latest[name] = current
            lines.setdefault(current, lineno)
            continue
        m = _KEY_RE.match(raw)
        if m:
            key = tuple(p for p in m.group(1).replace('"', "").split(".") if p)
            lines.setdefault(current + key, lineno)
            rest = raw[m.end():]
            if "{" in rest:
                for sub in _INLINE_KEY_RE.findall(rest.split("#")[0]):
                    lines.setdefault(current + key + (sub,), lineno)
    return lines


class _Checker:
    """Validates the parsed TOML and raises PlanError with file and line."""

    def __init__(self, path, text):
        self.path = path
        self.lines = index_lines(text)

    def line_of(self, where):
        where = tuple(where)
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return 1

    def fail(self, where, problem, fix):
        raise PlanError("%s, line %d: %s; %s" % (self.path, self.line_of(where), problem, fix))

    def table(self, value, where, what):
        if not isinstance(value, dict):
            self.fail(where, "%s must be a table, not %s" % (what, _kind(value)),
                      "write it as [%s] with key = value lines" % ".".join(str(w) for w in where if isinstance(w, str)))
        return value

    def known_keys(self, table, allowed, where, what):
        for key in table:
            if key not in allowed:
                hint = _closest(key, allowed)
                self.fail(tuple(where) + (key,), "unknown %s field %r" % (what, key),
                          ("did you mean %r? " % hint if hint else "") + "allowed: " + ", ".join(allowed))

    def number(self, table, key, where, lo=None, hi=None, integer=False, default=None, required=False):
        if key not in table:
            if required:
                self.fail(where, "missing %r" % key, "add %s = <number>" % key)
            return default
        v = table[key]
        ok = isinstance(v, int) if integer else isinstance(v, (int, float))
        if isinstance(v, bool) or not ok or v != v:
            self.fail(tuple(where) + (key,), "%s = %r is not %s" % (key, v, "a whole number" if integer else "a number"),
                      "write a plain number like %s = %s" % (key, "3" if integer else "2.5"))
        if lo is not None and v < lo or hi is not None and v > hi:
            self.fail(tuple(where) + (key,), "%s = %r is out of range" % (key, v),
                      "use a value from %s to %s" % (lo, hi if hi is not None else "up"))
        return v

    def text(self, table, key, where, default=None, required=False, choices=None):
        if key not in table:
            if required:
                self.fail(where, "missing %r" % key, 'add %s = "..."' % key)
            return default
        v = table[key]
        if not isinstance(v, str):
            self.fail(tuple(where) + (key,), "%s = %r is not text" % (key, v), 'put it in quotes: %s = "..."' % key)
        if choices is not None and v not in choices:
            self.fail(tuple(where) + (key,), "%s = %r is not one of %s" % (key, v, ", ".join(choices)),
                      "pick one of those")
        return v


def _kind(value):
    return {dict: "a table", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _closest(word, choices):
    import difflib

    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


# -- loading -------------------------------------------------------------------

def load_plan(path):
    """Read and check a plan file; raises PlanError naming the file, line and fix."""
    path = pathlib.Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PlanError("%s: cannot read the plan file (%s); check the path" % (path, e.strerror or e)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise PlanError("%s, line %d: not UTF-8 text; save the file as UTF-8" % (path, line)) from None
    return parse_plan(text, path)


def parse_plan(text, path="<plan>"):
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        msg = getattr(e, "msg", None) or str(e)
        if line is None:
            m = re.search(r"line (\d+)", str(e))
            line = int(m.group(1)) if m else 1
        raise PlanError("%s, line %d: TOML syntax error: %s; check quotes, brackets and '=' on that line"
                        % (path, line, msg)) from None
    except (RecursionError, MemoryError):
        raise PlanError("%s, line 1: the file nests too deeply to be a plan; flatten it" % path) from None
    return _build(doc, _Checker(path, text), path)


def _build(doc, c, path):
    c.known_keys(doc, TOP_KEYS, (), "plan")
    athlete = c.text(doc, "athlete", (), default="athlete")
    if "start" not in doc:
        c.fail((), "missing 'start' (the plan's first day)", "add start = 2026-11-02 at the top")
    start = doc["start"]
    if isinstance(start, str):
        try:
            start = datetime.date.fromisoformat(start)
        except ValueError:
            c.fail(("start",), "start = %r is not a date" % start, "write it as start = YYYY-MM-DD (no quotes)")
    if isinstance(start, datetime.datetime):
        start = start.date()
    if not isinstance(start, datetime.date):
        c.fail(("start",), "start = %r is not a date" % (start,), "write it as start = YYYY-MM-DD")
    units = c.text(doc, "units", (), default="kg", choices=("kg",))

    thresholds = dict(DEFAULT_THRESHOLDS)
    t = c.table(doc.get("thresholds", {}), ("thresholds",), "[thresholds]")
    c.known_keys(t, tuple(DEFAULT_THRESHOLDS), ("thresholds",), "threshold")
    for key in ("tempo_compliance", "missed_reps", "asymmetry"):
        thresholds[key] = float(c.number(t, key, ("thresholds",), 0, 1, default=thresholds[key]))
    for key in ("rpe_max", "discomfort_hold", "discomfort_back_off"):
        thresholds[key] = float(c.number(t, key, ("thresholds",), 0, 10, default=thresholds[key]))
    thresholds["landing_rise_sessions"] = c.number(t, "landing_rise_sessions", ("thresholds",), 1, 20,
                                                   integer=True, default=thresholds["landing_rise_sessions"])
    if thresholds["discomfort_back_off"] < thresholds["discomfort_hold"]:
        c.fail(("thresholds", "discomfort_back_off"), "discomfort_back_off is below discomfort_hold",
               "make discomfort_back_off at least discomfort_hold")

    contingency = dict(DEFAULT_CONTINGENCY)
    ct = c.table(doc.get("contingency", {}), ("contingency",), "[contingency]")
    c.known_keys(ct, tuple(DEFAULT_CONTINGENCY), ("contingency",), "contingency")
    contingency["window_days"] = c.number(ct, "window_days", ("contingency",), 0, 6, integer=True,
                                          default=contingency["window_days"])
    contingency["missed_day"] = c.text(ct, "missed_day", ("contingency",), default="shift", choices=("shift", "skip"))
    contingency["back_off_load"] = float(c.number(ct, "back_off_load", ("contingency",), 0.1, 1,
                                                  default=contingency["back_off_load"]))
    contingency["back_off_reps"] = float(c.number(ct, "back_off_reps", ("contingency",), 0.1, 1,
                                                  default=contingency["back_off_reps"]))
    contingency["note"] = c.text(ct, "note", ("contingency",), default="")

    blocks_raw = doc.get("blocks")
    if not isinstance(blocks_raw, list) or not blocks_raw:
        c.fail(("blocks",), "the plan has no blocks" if blocks_raw is None else "blocks must be [[blocks]] tables",
               "add at least one [[blocks]] with name, weeks and [[blocks.sessions]]")
    blocks = []
    for bi, b in enumerate(blocks_raw):
        where = ("blocks", bi)
        c.table(b, where, "each [[blocks]] entry")
        c.known_keys(b, BLOCK_KEYS, where, "block")
        name = c.text(b, "name", where, default="Block %d" % (bi + 1))
        weeks = c.number(b, "weeks", where, 1, 52, integer=True, required=True)
        focus = c.text(b, "focus", where, default="mixed", choices=FOCI)
        sessions_raw = b.get("sessions")
        if not isinstance(sessions_raw, list) or not sessions_raw:
            c.fail(where + ("sessions",), "block %r has no sessions" % name,
                   "add [[blocks.sessions]] with name, days and exercises")
        sessions = []
        seen_days = {}
        for si, s in enumerate(sessions_raw):
            sw = where + ("sessions", si)
            c.table(s, sw, "each [[blocks.sessions]] entry")
            c.known_keys(s, SESSION_KEYS, sw, "session")
            sname = c.text(s, "name", sw, default="Session %d" % (si + 1))
            days = _days(c, s, sw, start)
            for d in days:
                wd = d if isinstance(d, str) else WEEKDAYS[(start.weekday() + d - 1) % 7]
                if wd in seen_days:
                    c.fail(sw + ("days",), "sessions %r and %r are both on %s in block %r"
                           % (seen_days[wd], sname, wd, name), "move one of them to another day")
                seen_days[wd] = sname
            sfocus = c.text(s, "focus", sw, default=None, choices=FOCI)
            ex_raw = s.get("exercises")
            if not isinstance(ex_raw, list) or not ex_raw:
                c.fail(sw + ("exercises",), "session %r has no exercises" % sname,
                       "add [[blocks.sessions.exercises]] with exercise, sets and reps or hops")
            exercises = [_exercise(c, e, sw + ("exercises", ei)) for ei, e in enumerate(ex_raw)]
            size = len(json.dumps({"exercises": [e.to_dict() for e in exercises]}))
            if size > MAX_PRESCRIPTION_BYTES:
                c.fail(sw, "session %r is too big to send to the board (%d bytes of JSON, limit %d)"
                       % (sname, size, MAX_PRESCRIPTION_BYTES), "split it into two sessions")
            sessions.append(SessionTemplate(sname, days, sfocus, exercises, c.text(s, "note", sw, default="")))
        blocks.append(Block(name, weeks, focus, sessions, c.text(b, "note", where, default="")))
    return Plan(athlete, start, blocks, thresholds, contingency, units, path, c.text(doc, "note", (), default=""))


def _days(c, s, sw, start):
    days = s.get("days")
    if days is None:
        c.fail(sw, "session has no 'days'", 'add days = ["mon", "thu"] (weekdays) or days = [1, 4] (day of week 1-7)')
    if isinstance(days, (str, int)) and not isinstance(days, bool):
        days = [days]
    if not isinstance(days, list) or not days:
        c.fail(sw + ("days",), "days = %r is not a list of days" % (days,), 'write days = ["mon", "thu"]')
    out = []
    for d in days:
        key = d.strip().lower() if isinstance(d, str) else None
        if key in WEEKDAYS or key in _FULL_DAYS:
            out.append(key[:3])  # "Monday", "mon" -> "mon"
        elif isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7:
            out.append(d)
        else:
            c.fail(sw + ("days",), "day %r is not a weekday or a day index" % (d,),
                   "use mon, tue, wed, thu, fri, sat, sun or 1-7 (day 1 = the start date's weekday)")
    return out


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _exercise(c, e, where):
    c.table(e, where, "each exercise")
    c.known_keys(e, EXERCISE_KEYS, where, "exercise")
    name = c.text(e, "exercise", where, required=True)
    if not _NAME_RE.match(name):
        c.fail(where + ("exercise",), "exercise name %r must be lower_case_with_underscores" % name,
               "e.g. exercise = \"goblet_squat\"; known: " + ", ".join(EXERCISES))
    sets = c.number(e, "sets", where, 1, 20, integer=True, required=True)
    reps = c.number(e, "reps", where, 1, 100, integer=True)
    hops = c.number(e, "hops", where, 1, 500, integer=True)
    if (reps is None) == (hops is None):
        c.fail(where, "exercise %r needs exactly one of reps or hops" % name,
               "write reps = 8 for strength work or hops = 20 for plyometrics")
    known_mode = EXERCISES.get(name, (None,))[0]
    if known_mode == "hops" and reps is not None or known_mode == "strength" and hops is not None:
        c.fail(where + ("reps" if reps is not None else "hops",),
               "%s is a %s exercise but is given %s" % (name, known_mode, "reps" if reps is not None else "hops"),
               "use %s = ... for it" % ("hops" if known_mode == "hops" else "reps"))
    tempo = c.text(e, "tempo", where)
    if tempo is not None:
        try:
            parsed = parse_tempo(tempo)
        except TempoError as err:
            c.fail(where + ("tempo",), str(err), 'write it like tempo = "3-1-1"')
        tempo = str(parsed) if parsed is not None else None
    load = c.number(e, "load_kg", where, 0, 500)
    side = c.text(e, "side", where, default="both", choices=SIDES)
    rest = c.number(e, "rest_s", where, 0, 1800, integer=True)
    mount = c.text(e, "mount", where, choices=("waist", "thigh", "implement"))
    prog = None
    if "progression" in e:
        pw = where + ("progression",)
        p = c.table(e["progression"], pw, "progression")
        c.known_keys(p, PROGRESSION_KEYS, pw, "progression")
        kw = {}
        for key in ("add_reps", "max_reps", "add_hops", "max_hops"):
            kw[key] = c.number(p, key, pw, 0, 500, integer=True, default=None if key.startswith("max") else 0)
        for key in ("then_add_kg", "add_kg"):
            kw[key] = c.number(p, key, pw, 0, 50, default=0)
        kw["every_weeks"] = c.number(p, "every_weeks", pw, 1, 52, integer=True, default=1)
        if reps is not None and (kw["add_hops"] or kw["max_hops"] is not None):
            c.fail(pw, "progression adds hops to a reps exercise", "use add_reps / max_reps / then_add_kg")
        if hops is not None and (kw["add_reps"] or kw["max_reps"] is not None):
            c.fail(pw, "progression adds reps to a hops exercise", "use add_hops / max_hops")
        if kw["then_add_kg"] and load is None:
            c.fail(pw, "progression adds kg but the exercise has no load_kg", "add load_kg = ... to the exercise")
        for key, base in (("max_reps", reps), ("max_hops", hops)):
            if kw[key] is not None and base is not None and kw[key] < base:
                c.fail(pw + (key,), "%s = %d is below the starting %d" % (key, kw[key], base),
                       "raise %s or lower the starting amount" % key)
        prog = Progression(**kw)
    note = c.text(e, "note", where, default="")
    return Exercise(name, sets, reps, hops, tempo, None if load is None else float(load), side, rest, prog, note, mount)
