"""The plan loader: the sample is valid, dates map to sessions with progression,
and every mistake names its file and line."""

import datetime
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repclip.plan import PlanError, index_lines, load_plan, parse_plan

SAMPLE = pathlib.Path(__file__).resolve().parents[2] / "host" / "repclip" / "data" / "sample_plan.toml"

MINIMAL = """\
athlete = "A"
start = 2026-01-05

[[blocks]]
name = "B1"
weeks = 2
focus = "strength"

  [[blocks.sessions]]
  name = "S"
  days = ["mon"]

    [[blocks.sessions.exercises]]
    exercise = "goblet_squat"
    sets = 3
    reps = 8
    tempo = "3-1-1"
    load_kg = 16
    progression = { add_reps = 2, max_reps = 10, then_add_kg = 2, every_weeks = 1 }
"""


def test_sample_plan_loads_and_maps_dates():
    plan = load_plan(SAMPLE)
    assert plan.athlete == "Sam Runner"
    assert plan.start == datetime.date(2026, 11, 2)
    assert plan.weeks == 6 and plan.end == datetime.date(2026, 12, 13)
    mon = plan.session_for(datetime.date(2026, 11, 2))
    assert mon.name == "Strength A" and mon.week == 1
    assert [e.exercise for e in mon.exercises] == ["goblet_squat", "split_squat", "step_up"]
    assert plan.session_for("2026-11-03") is None  # Tuesday: rest
    # week 3 of Foundation: one progression step (every 2 weeks) -> 10 reps, same load
    gs = plan.session_for(datetime.date(2026, 11, 16)).exercise("goblet_squat")
    assert (gs.reps, gs.load_kg) == (10, 16.0)
    hops = plan.session_for(datetime.date(2026, 11, 25))  # Wednesday of week 4 (Elastic)
    assert hops.name == "Hops" and hops.block == "Elastic" and hops.focus == "plyometrics"
    assert hops.exercise("pogo_hops").hops == 20
    assert plan.session_for(datetime.date(2026, 12, 9)).exercise("pogo_hops").hops == 30  # capped at max
    assert plan.session_for(datetime.date(2026, 12, 14)) is None  # after the plan
    assert plan.session_for(datetime.date(2026, 11, 1)) is None  # before it


def test_prescription_is_json_for_the_device():
    import json

    plan = load_plan(SAMPLE)
    p = plan.prescription_for(datetime.date(2026, 11, 2))
    assert json.loads(json.dumps(p)) == p
    assert p["rest"] is False and p["session"] == "Strength A"
    assert p["exercises"][0] == {"exercise": "goblet_squat", "mode": "strength", "sets": 3, "reps": 8,
                                 "tempo": "3-1-1", "load_kg": 16.0, "side": "both", "rest_s": 90}
    rest = plan.prescription_for("2026-11-03")
    assert rest["rest"] is True and rest["exercises"] == []


def test_double_progression_adds_reps_then_kg():
    plan = parse_plan(MINIMAL)
    e = plan.blocks[0].sessions[0].exercises[0]
    assert [(x.reps, x.load_kg) for x in (e.at_step(0), e.at_step(1), e.at_step(2), e.at_step(3))] == [
        (8, 16.0), (10, 16.0), (8, 18.0), (10, 18.0)]
    assert plan.next_session(datetime.date(2026, 1, 6)).date == datetime.date(2026, 1, 12)


def test_day_indexes_count_from_the_start_weekday():
    plan = parse_plan(MINIMAL.replace('days = ["mon"]', "days = [3]"))
    assert plan.session_for(datetime.date(2026, 1, 7)).name == "S"  # start Monday + 2 days


def _error(text):
    with pytest.raises(PlanError) as info:
        parse_plan(text, "coach.toml")
    return str(info.value)


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old,new,needle,words", [
    ("tempo = \"3-1-1\"", "tempo = \"3-1\"", "tempo =", "expected 3 or 4 phases"),
    ("sets = 3", "sets = -3", "sets =", "out of range"),
    ("reps = 8", "reps = 8\n    repz = 3", "repz", "unknown exercise field 'repz'"),
    ("load_kg = 16", "load_kg = \"heavy\"", "load_kg", "not a number"),
    ("days = [\"mon\"]", "days = [\"mnday\"]", "days", "not a weekday"),
    ("focus = \"strength\"", "focus = \"cardio\"", "focus", "not one of"),
    ("weeks = 2", "weeks = 0", "weeks", "out of range"),
    ("max_reps = 10,", "max_reps = 6,", "progression", "below the starting"),
    ("every_weeks = 1 }", "every_wekks = 1 }", "progression", "did you mean 'every_weeks'"),
    ("start = 2026-01-05", "start = \"soon\"", "start", "not a date"),
    ("reps = 8", "hops = 8", "hops = 8", "strength exercise"),
])
def test_semantic_errors_name_their_line(old, new, needle, words):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    msg = _error(text)
    assert msg.startswith("coach.toml, line %d:" % _line_of(text, needle)), msg
    assert words in msg


def test_second_exercise_error_points_at_the_second_table():
    text = MINIMAL + '\n    [[blocks.sessions.exercises]]\n    exercise = "pogo_hops"\n    sets = 2\n    hops = 0\n'
    msg = _error(text)
    assert msg.startswith("coach.toml, line %d:" % len(text.splitlines())), msg


def test_syntax_error_names_the_line():
    text = MINIMAL.replace("sets = 3", "sets = = 3")
    assert _error(text).startswith("coach.toml, line %d: TOML syntax error" % _line_of(text, "sets = = 3"))


def test_missing_pieces_say_how_to_fix():
    assert "add start = " in _error('athlete = "A"\n')
    assert "no blocks" in _error("start = 2026-01-05\n")
    assert "exactly one of reps or hops" in _error(MINIMAL.replace("    reps = 8\n", ""))


def test_load_plan_reports_unreadable_files(tmp_path):
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'athlete = "A"\nnote = "\xff"\n')
    with pytest.raises(PlanError, match="line 2: not UTF-8"):
        load_plan(bad)


def test_index_lines_tracks_nested_arrays():
    lines = index_lines(MINIMAL)
    assert lines[("blocks", 0, "sessions", 0, "exercises", 0, "tempo")] == _line_of(MINIMAL, "tempo")
    assert lines[("blocks", 0, "sessions", 0, "exercises", 0, "progression", "max_reps")] == _line_of(
        MINIMAL, "progression")


_FRAGMENTS = st.sampled_from(MINIMAL.splitlines() + [
    "[[blocks]]", "[thresholds]", "rpe_max = 11", "days = 3", "days = []", "sets = true", "tempo = 3",
    "progression = 5", "blocks = 1", "[contingency]", "window_days = -1", "exercises = [1]", "side = \"X\"",
    "reps = 1e9", "start = 2026-01-05T10:00:00", "load_kg = nan", "hops = 5", "[[blocks.sessions.exercises]]",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(_FRAGMENTS, max_size=40).map("\n".join), st.text(max_size=300)))
def test_fuzzed_plans_fail_only_with_plan_error(text):
    try:
        plan = parse_plan(text, "fuzz.toml")
    except PlanError as e:
        assert str(e).startswith("fuzz.toml, line ")
        return
    plan.prescription_for(plan.start)


@pytest.mark.parametrize("bad", ['"??"', "-1", "[]", "{ x = 1 }", "true"])
def test_every_bad_value_in_the_sample_points_at_its_own_line(bad):
    """Break each `key = value` line of the sample in turn: any error must name exactly that line."""
    import re

    lines = SAMPLE.read_text().splitlines()
    checked = 0
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)([a-z_]+)\s*=\s*(.+?)(\s*#.*)?$", line)
        if not m or m.group(2) in ("athlete", "note", "name", "units") and bad != "[]":
            continue
        broken = lines[:i] + ["%s%s = %s" % (m.group(1), m.group(2), bad)] + lines[i + 1:]
        try:
            parse_plan("\n".join(broken), "p.toml")
        except PlanError as e:
            assert str(e).startswith("p.toml, line %d:" % (i + 1)), (line, bad, str(e))
            checked += 1
    assert checked >= 20


_SAMPLE_LINES = SAMPLE.read_text().splitlines()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["drop", "dup", "swap", "cut"]), st.integers(0, len(_SAMPLE_LINES) - 1),
                          st.integers(0, len(_SAMPLE_LINES) - 1)), min_size=1, max_size=6))
def test_mangled_sample_plans_fail_only_with_plan_error(edits):
    lines = list(_SAMPLE_LINES)
    for op, i, j in edits:
        i, j = i % len(lines), j % len(lines)
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i][: len(lines[i]) // 2]
        if not lines:
            lines = [""]
    try:
        plan = parse_plan("\n".join(lines), "m.toml")
    except PlanError as e:
        line = int(str(e).split("line ", 1)[1].split(":", 1)[0])
        assert str(e).startswith("m.toml, line ") and 1 <= line <= max(1, len(lines))
        return
    for s in plan.planned_sessions():
        plan.prescription_for(s.date)


def test_a_session_too_big_for_one_link_frame_is_refused():
    from repcore.frame import MAX_PAYLOAD

    from repclip.plan import MAX_PRESCRIPTION_BYTES

    assert MAX_PRESCRIPTION_BYTES < MAX_PAYLOAD
    one = MINIMAL.split("    [[blocks.sessions.exercises]]")[1].replace(
        "    progression = { add_reps = 2, max_reps = 10, then_add_kg = 2, every_weeks = 1 }\n", "")
    text = MINIMAL + ("\n    [[blocks.sessions.exercises]]" + one) * 40
    msg = _error(text)
    assert msg.startswith("coach.toml, line %d:" % _line_of(text, "[[blocks.sessions]]"))
    assert "too big to send to the board" in msg


def test_weekday_spellings():
    plan = parse_plan(MINIMAL.replace('days = ["mon"]', 'days = ["Wednesday", "FRI"]'))
    assert plan.blocks[0].sessions[0].days == ["wed", "fri"]
    assert "not a weekday" in _error(MINIMAL.replace('days = ["mon"]', 'days = ["wedn"]'))
