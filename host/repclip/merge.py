"""Merge stored sessions into the plan: done vs prescribed, and push / hold / back off.

Each stored session is matched to a planned session: the one on its date, else
the nearest unmatched planned session within the plan's contingency window
(a shifted day), else it is unplanned. Per exercise it measures reps (or hops)
done against prescribed, tempo compliance per phase, ROM / velocity and
landing / contact trends, left/right asymmetry, RPE and discomfort, and
decides a status with the reasons spelled out plus the next prescription
from the progression rule. The rules and thresholds are in docs/host.md; the
thresholds come from the plan's [thresholds] table.
"""

import datetime
import gc
import time

from repcore.events import TEMPO_OK
from repcore.tempo import TempoError, parse_tempo

PUSH = "push"
HOLD = "hold"
BACK_OFF = "back off"
_RANK = {PUSH: 0, HOLD: 1, BACK_OFF: 2}
PHASES = ("eccentric", "pause", "concentric")
ROM_DROP = 0.10  # ROM down more than this vs the previous session holds
CURRENT_DAYS = 14  # exercises last done longer ago than this no longer set the overall status
VELOCITY_DROP = 0.15  # mean velocity down more than this at the same or lower load holds (fatigue)
_WORDS = {1: "one session", 2: "two sessions", 3: "three sessions", 4: "four sessions"}


def worst(statuses):
    out = PUSH
    for s in statuses:
        if _RANK[s] > _RANK[out]:
            out = s
    return out


def session_date(session):
    """The local calendar date a stored session started on."""
    ts = getattr(session, "started_at", None) or session.clock or 0
    tm = time.localtime(ts)  # several times faster than datetime.fromtimestamp on big stores
    return datetime.date(tm.tm_year, tm.tm_mon, tm.tm_mday)


def _label(name):
    return name.replace("_", " ")


def _pct(x):
    return "%d%%" % round(x * 100)


class ExerciseResult:
    """One exercise in one session: what was done against what was prescribed."""

    def __init__(self, exercise, prescribed, sets):
        self.exercise = exercise
        self.prescribed = prescribed  # plan.Exercise or None (unplanned)
        self.sets = sets
        self.mode = prescribed.mode if prescribed else (sets[0].mode if sets else "strength")
        self.reps = [r for s in sets for r in s.reps]
        self.hops = [h for s in sets for h in s.hops]
        self.status = None
        self.reasons = []
        self.next = None
        self._measure()

    # -- measurements ----------------------------------------------------
    def _count(self, s):
        if self.mode == "hops":
            return len(s.hops) if s.hops else int(s.end_meta.get("hops") or 0)
        return len(s.reps) if s.reps else int(s.end_meta.get("reps") or 0)

    def _measure(self):
        self.done = sum(self._count(s) for s in self.sets)
        p = self.prescribed
        if p is None:
            self.target = None
        else:
            per_set = p.reps if p.reps is not None else p.hops
            sides = 2 if p.side == "both" and any(s.side in ("L", "R") for s in self.sets) else 1
            self.target = p.sets * per_set * sides
        self.by_side = {}
        for s in self.sets:
            if s.side in ("L", "R"):
                self.by_side.setdefault(s.side, []).append(s)
        self._compliance_cache = None
        roms = [r.rom_cm for r in self.reps if r.rom_cm is not None]
        vels = [r.mean_velocity_m_s for r in self.reps if r.mean_velocity_m_s is not None]
        self.rom_cm = sum(roms) / len(roms) if roms else None
        self.velocity = sum(vels) / len(vels) if vels else None
        peaks = [h.peak_g for h in self.hops if h.peak_g]
        contacts = [h.contact_ms for h in self.hops if h.contact_ms]
        self.peak_g = sum(peaks) / len(peaks) if peaks else None
        self.contact_ms = sum(contacts) / len(contacts) if contacts else None
        rpes = [s.rpe for s in self.sets if s.rpe is not None]
        self.rpe = max(rpes) if rpes else None
        self.discomfort = None
        self.discomfort_side = None
        for s in self.sets:
            if s.discomfort is not None and (self.discomfort is None or s.discomfort > self.discomfort):
                self.discomfort, self.discomfort_side = s.discomfort, s.side

    @property
    def compliance(self):
        """{phase: share of judged reps in tempo} (computed on first use: only latest results need it)."""
        if self._compliance_cache is None:
            self._compliance_cache = self._compliance(self.sets)
        return self._compliance_cache

    @property
    def load(self):
        """The heaviest load lifted in these sets (kg), None when no set had one."""
        loads = [s.load_kg for s in self.sets if isinstance(s.load_kg, (int, float))]
        return max(loads) if loads else None

    @property
    def height_cm(self):
        heights = [h.jump_height_cm for h in self.hops]
        return sum(heights) / len(heights) if heights else None

    def _tempo_for(self, s):
        text = s.tempo or (self.prescribed.tempo if self.prescribed else None)
        try:
            return parse_tempo(text)
        except TempoError:
            return None

    def _compliance(self, sets):
        """{phase: share of judged reps in tempo}; verdicts from the device, else judged here."""
        ok = dict.fromkeys(PHASES, 0)
        judged = dict.fromkeys(PHASES, 0)
        for s in sets:
            tempo = None
            for r in s.reps:
                verdicts = (r.tempo_eccentric, r.tempo_pause, r.tempo_concentric)
                if all(v is None for v in verdicts):
                    tempo = tempo or self._tempo_for(s)
                    if tempo is None:
                        continue
                    verdicts = (tempo.judge(tempo.eccentric_ms, r.eccentric_ms), tempo.judge(tempo.pause_ms, r.pause_ms),
                                tempo.judge(tempo.concentric_ms, r.concentric_ms))
                for phase, v in zip(PHASES, verdicts):
                    if v is not None:
                        judged[phase] += 1
                        ok[phase] += v == TEMPO_OK
        return {p: ok[p] / judged[p] for p in PHASES if judged[p]}

    def side_summary(self):
        out = {}
        for side, sets in sorted(self.by_side.items()):
            reps = [r for s in sets for r in s.reps]
            hops = [h for s in sets for h in s.hops]
            comp = self._compliance(sets)
            peaks = [h.peak_g for h in hops if h.peak_g]
            out[side] = {"done": sum(self._count(s) for s in sets),
                         "compliance": min(comp.values()) if comp else None,
                         "peak_g": sum(peaks) / len(peaks) if peaks else None,
                         "reps": len(reps)}
        return out

    def to_dict(self):
        return {
            "exercise": self.exercise, "mode": self.mode, "done": self.done, "target": self.target,
            "prescribed": self.prescribed.to_dict() if self.prescribed else None,
            "compliance": {p: round(v, 3) for p, v in self.compliance.items()},
            "rom_cm": _r(self.rom_cm), "velocity_m_s": _r(self.velocity, 3), "peak_g": _r(self.peak_g),
            "contact_ms": _r(self.contact_ms, 0), "height_cm": _r(self.height_cm), "rpe": self.rpe,
            "discomfort": self.discomfort, "sides": self.side_summary(), "status": self.status,
            "reasons": list(self.reasons), "next": self.next.to_dict() if self.next else None,
        }


def _r(x, nd=2):
    return None if x is None else round(x, nd)


class SessionMatch:
    """One workout: the stored session(s) of one day matched to one planned session (or unplanned)."""

    def __init__(self, session, date, planned, shifted_from=None):
        self.session = session
        self.sessions = [session]  # a workout split over several files (board restarted) joins up
        self.date = date
        self.planned = planned  # plan.PlannedSession or None
        self.shifted_from = shifted_from
        self.exercises = []

    @property
    def status(self):
        judged = [e.status for e in self.exercises if e.status]
        return worst(judged) if judged else None


class MergeResult:
    def __init__(self, plan, matches, as_of):
        self.plan = plan
        self.matches = matches
        self.as_of = as_of
        self.latest = {}  # exercise -> its most recent ExerciseResult (carries status)
        self.history = {}  # exercise -> [(date, ExerciseResult)] oldest first
        self.calendar = []  # [(date, planned session name, status or "missed"/"planned"/"unplanned")]
        self.unplanned = []  # [(date, ExerciseResult)] done after the exercise's last planned session
        self.pushed = None  # the prescription a caller sent to the board afterwards, if any
        self.status = None
        self.reasons = []

    def to_dict(self):
        return {
            "as_of": self.as_of.isoformat(), "status": self.status, "reasons": list(self.reasons),
            "exercises": {k: v.to_dict() for k, v in self.latest.items()},
            "calendar": [{"date": d.isoformat(), "session": n, "state": s} for d, n, s in self.calendar],
            "sessions": len(self.matches),
            "unplanned": [{"date": d.isoformat(), "exercise": e.exercise, "done": e.done} for d, e in self.unplanned],
        }


def merge(plan, sessions, as_of=None):
    """Match sessions (oldest first or not) to the plan and judge every exercise."""
    # The merge makes many small objects that all live until it returns; with a big store loaded, the
    # cyclic GC would rescan hundreds of thousands of reps over and over (measured: 2-4x slower).
    with paused_gc():
        return _merge(plan, sessions, as_of)


class paused_gc:
    """`with paused_gc():` the cyclic GC stays off inside (restored after, even on errors)."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


def _merge(plan, sessions, as_of):
    dated = sorted(((session_date(s), i, s) for i, s in enumerate(sessions)), key=lambda x: (x[0], x[1]))
    if as_of is not None:
        dated = [x for x in dated if x[0] <= as_of]  # judging as of a past date ignores later sessions
    as_of = as_of or (dated[-1][0] if dated else datetime.date.today())
    # missed_day = "skip": a missed day is gone, so a session only ever counts for its own date
    window = plan.contingency["window_days"] if plan.contingency.get("missed_day") != "skip" else 0
    taken = set()
    matches = []
    same_day = {}  # date -> the planned match a session of that date went to
    for date, _, s in dated:
        joined = same_day.get(date)
        if joined is not None and _overlaps(joined.planned, s):
            joined.sessions.append(s)  # the same workout recorded as several sessions
            continue
        planned = plan.session_for(date)
        shifted = None
        if planned is not None and date in taken:
            planned = None  # a second session the same day: extra work
        if planned is None and window:
            # the nearest planned day not yet done, earlier days first (a missed day shifted forward)
            for delta in sorted(range(-window, window + 1), key=lambda d: (abs(d), d)):
                other = date + datetime.timedelta(days=delta)
                if delta and other not in taken and other <= as_of:
                    cand = plan.session_for(other)
                    if cand is not None and _overlaps(cand, s):
                        planned, shifted = cand, other
                        break
        if planned is not None:
            taken.add(planned.date)
        m = SessionMatch(s, date, planned, shifted)
        if planned is not None:
            same_day[date] = m
        matches.append(m)
    for m in matches:
        m.exercises = _exercises([x for sess in m.sessions for x in sess.sets], m.planned)
    result = MergeResult(plan, matches, as_of)
    for m in matches:
        for e in m.exercises:
            result.history.setdefault(e.exercise, []).append((m.date, e))
    for name, hist in result.history.items():
        # judge the latest *planned* occurrence: extra unplanned sets of an exercise do not hide its status
        planned = [(d, e) for d, e in hist if e.prescribed is not None]
        extra = []  # sets of this exercise on its last day, when that day did not plan it
        for d, e in hist:
            if e.prescribed is None:
                e.reasons = ["unplanned: not in the plan for %s" % d]
                if d == hist[-1][0] and (not planned or d > planned[-1][0]):
                    extra.extend(e.sets)
        if extra:
            combined = ExerciseResult(name, None, extra)
            combined.reasons = ["unplanned: not in the plan for %s" % hist[-1][0]]
            result.unplanned.append((hist[-1][0], combined))
        if planned:
            _judge(plan, planned, hist)
            result.latest[name] = planned[-1][1]
        else:
            result.latest[name] = hist[-1][1]
    # the overall status speaks for what is being trained now: exercises done in the last CURRENT_DAYS
    recent = as_of - datetime.timedelta(days=CURRENT_DAYS)
    current = [e for name, e in result.latest.items() if e.status and result.history[name][-1][0] >= recent]
    result.status = worst([e.status for e in current]) if current else None
    for e in current:
        if e.status == result.status:
            result.reasons.extend(e.reasons)
    result.calendar = _calendar(plan, matches, as_of)
    return result


def _overlaps(planned, session):
    names = {e.exercise for e in planned.exercises}
    return any(s.exercise in names for s in session.sets) or not session.sets


def _exercises(sets, planned):
    order = []
    by_name = {}
    for s in sets:
        if s.exercise not in by_name:
            by_name[s.exercise] = []
            order.append(s.exercise)
        by_name[s.exercise].append(s)
    out = [ExerciseResult(n, planned.exercise(n) if planned else None, by_name[n]) for n in order]
    if planned is not None:
        for p in planned.exercises:
            if p.exercise not in by_name:
                out.append(ExerciseResult(p.exercise, p, []))
    return out


def _rising(values, n):
    """True when the last n+1 values rise strictly n times running."""
    tail = [v for v in values if v is not None][-(n + 1):]
    return len(tail) == n + 1 and all(b > a for a, b in zip(tail, tail[1:]))


def _judge(plan, planned, hist):
    """Status, reasons and next prescription for the latest planned result of one exercise.

    planned: its planned occurrences, oldest first; hist: all occurrences (trends use every session)."""
    th = plan.thresholds
    date, e = planned[-1]
    name = _label(e.exercise)
    back, hold, good = [], [], []
    hist = [(d, x) for d, x in hist if d <= date and x.sets]
    if not e.sets:
        e.status = HOLD
        e.reasons = ["%s not done (planned %s)" % (name, e.prescribed.describe().split(", ", 1)[1])]
        e.next = e.prescribed.copy()
        return
    # volume
    missed = max(0, e.target - e.done)
    unit = "hops" if e.mode == "hops" else "reps"
    if missed:
        share = missed / e.target
        text = "missed %d of %d %s on %s" % (missed, e.target, unit, name)
        if share > 2 * th["missed_reps"]:
            back.append(text + " (%s > %s)" % (_pct(share), _pct(2 * th["missed_reps"])))
        elif share > th["missed_reps"]:
            hold.append(text)
        else:
            good.append(text + " (within %s)" % _pct(th["missed_reps"]))
    else:
        good.append("all %d %s done on %s" % (e.target, unit, name))
    # tempo
    low = [(p, v) for p, v in e.compliance.items() if v < th["tempo_compliance"]]
    for phase, v in low:
        hold.append("tempo compliance %s < %s on %s %s" % (_pct(v), _pct(th["tempo_compliance"]), name, phase))
    if e.compliance and not low:
        good.append("tempo in band on %s (lowest phase %s)" % (name, _pct(min(e.compliance.values()))))
    # effort and discomfort
    if e.rpe is not None and e.rpe > th["rpe_max"]:
        hold.append("RPE %g > %g on %s" % (e.rpe, th["rpe_max"], name))
    if e.discomfort is not None:
        where = name + ("" if e.discomfort_side not in ("L", "R") else " " + e.discomfort_side)
        text = "discomfort %g/10 flagged on %s" % (e.discomfort, where)
        if e.discomfort >= th["discomfort_back_off"]:
            back.append(text)
        elif e.discomfort >= th["discomfort_hold"]:
            hold.append(text)
    # trends over sessions
    n = th["landing_rise_sessions"]
    if e.mode == "hops":
        peaks = [x.peak_g for _, x in hist]
        if _rising(peaks, n):
            tail = [v for v in peaks if v is not None][-(n + 1):]
            hold.append("landing peak rising %s running (%s g) on %s"
                        % (_WORDS.get(n, "%d sessions" % n), " -> ".join("%.1f" % v for v in tail), name))
        contacts = [x.contact_ms for _, x in hist]
        if _rising(contacts, n):
            tail = [v for v in contacts if v is not None][-(n + 1):]
            hold.append("ground contact rising %s running (%s ms) on %s"
                        % (_WORDS.get(n, "%d sessions" % n), " -> ".join("%d" % v for v in tail), name))
    else:
        roms = [x.rom_cm for _, x in hist if x.rom_cm is not None]
        if len(roms) >= 2 and roms[-2] > 0 and (roms[-2] - roms[-1]) / roms[-2] > ROM_DROP:
            hold.append("depth down %s vs last session on %s (%.0f -> %.0f cm)"
                        % (_pct((roms[-2] - roms[-1]) / roms[-2]), name, roms[-2], roms[-1]))
        moved = [(x.velocity, x.load) for _, x in hist if x.velocity is not None]
        if len(moved) >= 2:
            (v0, l0), (v1, l1) = moved[-2], moved[-1]
            same_load = l0 is None or l1 is None or l1 <= l0
            if v0 > 0 and same_load and (v0 - v1) / v0 > VELOCITY_DROP:
                hold.append("velocity down %s vs last session at the same load on %s (%.2f -> %.2f m/s)"
                            % (_pct((v0 - v1) / v0), name, v0, v1))
    # left / right
    sides = e.side_summary()
    if "L" in sides and "R" in sides:
        L, R = sides["L"], sides["R"]
        for key, what, fmt in (("done", unit, "%d"), ("peak_g", "landing peak", "%.1f g"),
                               ("compliance", "tempo compliance", None)):
            a, b = L[key], R[key]
            if a is None or b is None or max(a, b) <= 0:
                continue
            diff = abs(a - b) / max(a, b) if key != "compliance" else abs(a - b)
            if diff > th["asymmetry"]:
                shown = ("L %s vs R %s" % (fmt % a, fmt % b)) if fmt else ("L %s vs R %s" % (_pct(a), _pct(b)))
                hold.append("left/right asymmetry in %s on %s: %s (%s > %s)"
                            % (what, name, shown, _pct(diff), _pct(th["asymmetry"])))
    # decide
    if back:
        e.status, e.reasons = BACK_OFF, back + hold
        e.next = e.prescribed.backed_off(plan.contingency["back_off_load"], plan.contingency["back_off_reps"])
    elif hold:
        e.status, e.reasons = HOLD, hold
        e.next = e.prescribed.copy()
    else:
        e.status, e.reasons = PUSH, good
        e.next = e.prescribed.next_step(_base_reps(plan, e.exercise))
        if e.prescribed.progression is None:
            e.reasons = good + ["no progression rule for %s: keep the prescription" % name]


def _base_reps(plan, exercise):
    """The starting reps of the exercise in the plan (where the double progression resets to)."""
    for b in plan.blocks:
        for s in b.sessions:
            for x in s.exercises:
                if x.exercise == exercise:
                    return x.reps
    return None


def _calendar(plan, matches, as_of):
    """Every planned day up to the end of as_of's week, with its state; unplanned sessions too."""
    done = {}
    for m in matches:
        key = m.planned.date if m.planned else m.date
        done.setdefault(key, []).append(m)
    last = min(plan.end, as_of + datetime.timedelta(days=6 - as_of.weekday()))
    out = []
    for p in plan.planned_sessions(plan.start, last):
        got = done.pop(p.date, None)
        if got:
            state = worst([m.status for m in got if m.status] or [PUSH])
        else:
            state = "missed" if p.date < as_of else ("today" if p.date == as_of else "planned")
        out.append((p.date, p.name, state))
    for d, ms in done.items():
        for m in ms:
            out.append((d, "unplanned", "unplanned" if m.planned is None else m.status))
    out.sort(key=lambda x: x[0])
    return out


def adjusted_prescription(plan, result, date):
    """plan.prescription_for(date) with each exercise's latest status applied: hold repeats the last
    prescription where the calendar would progress, back off uses the backed-off one. Each adjusted
    exercise gets "status" and "because" (the first reason) so the board and the athlete see why."""
    out = plan.prescription_for(date)
    for ex in out["exercises"]:
        latest = result.latest.get(ex["exercise"])
        if latest is None or latest.status not in (HOLD, BACK_OFF) or latest.next is None:
            continue
        n = latest.next
        for key, value in (("reps", n.reps), ("hops", n.hops), ("load_kg", n.load_kg)):
            if key in ex and value is not None and (latest.status == BACK_OFF or ex[key] is None
                                                     or value < ex[key]):
                ex[key] = value
        ex["status"] = latest.status
        ex["because"] = latest.reasons[0] if latest.reasons else ""
    return out
