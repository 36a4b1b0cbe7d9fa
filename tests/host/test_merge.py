"""Merging known sessions into a plan gives the exact status, reasons and next prescription."""

import datetime

import pytest

from repclip.demo import hop_series, session_bytes
from repclip.merge import BACK_OFF, HOLD, PUSH, merge
from repclip.plan import parse_plan
from repclip.store import Store

PLAN = """\
athlete = "T"
start = 2026-01-05

[thresholds]
tempo_compliance = 0.8
missed_reps = 0.1
landing_rise_sessions = 2

[contingency]
window_days = 2

[[blocks]]
name = "B"
weeks = 4
focus = "strength"

  [[blocks.sessions]]
  name = "Legs"
  days = ["mon"]

    [[blocks.sessions.exercises]]
    exercise = "goblet_squat"
    sets = 3
    reps = 8
    tempo = "3-1-1"
    load_kg = 16
    progression = { add_reps = 2, max_reps = 10, then_add_kg = 2, every_weeks = 1 }

    [[blocks.sessions.exercises]]
    exercise = "split_squat"
    sets = 1
    reps = 8
    tempo = "3-1-1"
    load_kg = 8
    side = "both"

  [[blocks.sessions]]
  name = "Hops"
  days = ["wed"]

    [[blocks.sessions.exercises]]
    exercise = "pogo_hops"
    sets = 1
    hops = 10
"""
MON = datetime.date(2026, 1, 5)
GOOD = (3000, 1000, 1000)
FAST = (1500, 1000, 1000)  # eccentric 1.5 s against 3 s: out of tempo


def squat_sets(reps_per_set=(8, 8, 8), fast=0, rpe=7, load=16.0):
    sets = []
    left = fast
    for n in reps_per_set:
        reps = []
        for _ in range(n):
            reps.append(FAST if left > 0 else GOOD)
            left -= 1
        sets.append({"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": load, "reps": reps, "rpe": rpe,
                     "discomfort": 0})
    return sets


def split_sets(left=8, right=8, disc_left=0):
    return [{"exercise": "split_squat", "side": "L", "tempo": "3-1-1", "load_kg": 8.0, "reps": [GOOD] * left,
             "discomfort": disc_left, "rpe": 6},
            {"exercise": "split_squat", "side": "R", "tempo": "3-1-1", "load_kg": 8.0, "reps": [GOOD] * right,
             "discomfort": 0, "rpe": 6}]


def run(tmp_path, sessions, as_of=None):
    with Store(tmp_path / "s.db") as store:
        for i, (day, sets) in enumerate(sessions, 1):
            store.add_session(session_bytes(i, day, sets))
        loaded = store.sessions()
    return merge(parse_plan(PLAN), loaded, as_of)


def test_clean_session_pushes_with_double_progression(tmp_path):
    r = run(tmp_path, [(MON, squat_sets() + split_sets())])
    gs = r.latest["goblet_squat"]
    assert (gs.status, gs.done, gs.target) == (PUSH, 24, 24)
    assert gs.compliance == {"eccentric": 1.0, "pause": 1.0, "concentric": 1.0}
    assert gs.reasons == ["all 24 reps done on goblet squat", "tempo in band on goblet squat (lowest phase 100%)"]
    assert (gs.next.reps, gs.next.load_kg) == (10, 16.0)
    ss = r.latest["split_squat"]
    assert ss.status == PUSH and ss.target == 16  # both sides count
    assert ss.reasons[-1] == "no progression rule for split squat: keep the prescription"
    assert r.status == PUSH
    assert r.calendar[0] == (MON, "Legs", PUSH)


def test_tempo_missed_reps_discomfort_and_asymmetry_hold(tmp_path):
    # 21 of 24 reps done (3 missed, 12.5% > 10%), 7 of them too fast on the way down -> eccentric 67%
    sets = squat_sets((8, 7, 6), fast=7) + split_sets(left=8, right=6, disc_left=4)
    r = run(tmp_path, [(MON, sets)])
    gs = r.latest["goblet_squat"]
    assert gs.status == HOLD
    assert gs.reasons == ["missed 3 of 24 reps on goblet squat",
                          "tempo compliance 67% < 80% on goblet squat eccentric"]
    assert (gs.next.reps, gs.next.load_kg) == (8, 16.0)
    ss = r.latest["split_squat"]
    assert ss.status == HOLD
    assert "discomfort 4/10 flagged on split squat L" in ss.reasons
    assert "left/right asymmetry in reps on split squat: L 8 vs R 6 (25% > 15%)" in ss.reasons
    assert r.status == HOLD and "discomfort 4/10 flagged on split squat L" in r.reasons


def test_high_discomfort_or_many_missed_reps_back_off(tmp_path):
    sets = squat_sets((8, 4, 0)) + split_sets(disc_left=6)
    r = run(tmp_path, [(MON, sets)])
    gs = r.latest["goblet_squat"]
    assert gs.status == BACK_OFF
    assert gs.reasons == ["missed 12 of 24 reps on goblet squat (50% > 20%)"]
    assert (gs.next.reps, gs.next.load_kg) == (6, 14.5)  # x0.75 reps, x0.9 load to the nearest 0.5 kg
    assert r.latest["split_squat"].status == BACK_OFF
    assert r.latest["split_squat"].reasons[0] == "discomfort 6/10 flagged on split squat L"
    assert r.status == BACK_OFF


def test_landing_peak_rising_two_sessions_running_holds(tmp_path):
    weds = [MON + datetime.timedelta(days=2 + 7 * k) for k in range(3)]
    sessions = [(d, [{"exercise": "pogo_hops", "hops": [(380, 200, g)] * 10, "rpe": 6}])
                for d, g in zip(weds, (3.1, 3.6, 4.2))]
    r = run(tmp_path, sessions)
    ph = r.latest["pogo_hops"]
    assert ph.status == HOLD
    assert ph.reasons == ["landing peak rising two sessions running (3.1 -> 3.6 -> 4.2 g) on pogo hops"]
    assert [x.peak_g for _, x in r.history["pogo_hops"]] == pytest.approx([3.1, 3.6, 4.2], abs=1e-3)


def test_shifted_day_matches_and_missed_days_show(tmp_path):
    # Monday missed, done Tuesday (shift within the 2-day window); the next Monday missed entirely.
    tue = MON + datetime.timedelta(days=1)
    wed = MON + datetime.timedelta(days=9)
    sessions = [(tue, squat_sets() + split_sets()),
                (wed, [{"exercise": "pogo_hops", "hops": hop_series(10), "rpe": 6}])]
    r = run(tmp_path, sessions)
    first = r.matches[0]
    assert first.planned.name == "Legs" and first.shifted_from == MON
    states = {(d, n): s for d, n, s in r.calendar}
    assert states[(MON, "Legs")] == PUSH
    assert states[(MON + datetime.timedelta(days=2), "Hops")] == "missed"
    assert states[(MON + datetime.timedelta(days=7), "Legs")] == "missed"
    assert states[(wed, "Hops")] == PUSH


def test_unplanned_and_not_done_exercises(tmp_path):
    sets = squat_sets() + [{"exercise": "step_up", "tempo": "2-0-1", "reps": [(2000, 0, 1000)] * 5}]
    r = run(tmp_path, [(MON, sets)])
    assert r.latest["step_up"].status is None
    assert r.latest["step_up"].reasons == ["unplanned: not in the plan for 2026-01-05"]
    ss = r.latest["split_squat"]
    assert ss.status == HOLD and ss.reasons[0].startswith("split squat not done (planned 1 x 8 reps")


def test_tempo_is_judged_on_the_host_when_the_device_did_not(tmp_path):
    from repclip.session import SessionData, SetData
    from repcore.events import Rep

    s = SetData(1, {"exercise": "goblet_squat", "tempo": "3-1-1"})
    s.reps = [Rep(i, 0, 3_000_000, 4_000_000, 5_000_000 if i < 6 else 8_000_000) for i in range(8)]
    sess = SessionData({"session": 1, "clock": int(datetime.datetime(2026, 1, 5, 8).timestamp())}, [s])
    r = merge(parse_plan(PLAN), [sess])
    assert r.latest["goblet_squat"].compliance["concentric"] == 0.75


def test_a_workout_split_over_two_sessions_counts_once(tmp_path):
    # the board restarted after the squats: split squats are a second session file the same day
    r = run(tmp_path, [(MON, squat_sets()), (MON, split_sets())])
    assert len(r.matches) == 1 and len(r.matches[0].sessions) == 2
    assert r.latest["goblet_squat"].status == PUSH and r.latest["split_squat"].status == PUSH
    assert r.calendar[0] == (MON, "Legs", PUSH)


def test_adjusted_prescription_applies_hold_and_back_off(tmp_path):
    from repclip.merge import adjusted_prescription

    # goblet squats held (tempo), split squat backed off (discomfort 6)
    r = run(tmp_path, [(MON, squat_sets(fast=8) + split_sets(disc_left=6))])
    plain = r.plan.prescription_for(MON + datetime.timedelta(days=7))
    adj = adjusted_prescription(r.plan, r, MON + datetime.timedelta(days=7))
    gs_plain, ss_plain = plain["exercises"][0], plain["exercises"][1]
    gs, ss = adj["exercises"][0], adj["exercises"][1]
    assert gs_plain["reps"] == 10 and gs["reps"] == 8 and gs["status"] == HOLD  # the calendar would progress
    assert gs["because"] == "tempo compliance 67% < 80% on goblet squat eccentric"
    assert (ss["reps"], ss["load_kg"], ss["status"]) == (6, 7.0, BACK_OFF)
    assert ss_plain["reps"] == 8


def test_skip_policy_never_shifts_a_missed_day(tmp_path):
    import repclip.merge as m

    tue = MON + datetime.timedelta(days=1)
    with Store(tmp_path / "s.db") as store:
        store.add_session(session_bytes(1, tue, squat_sets()))
        sessions = store.sessions()
    plan = parse_plan(PLAN.replace("window_days = 2", 'window_days = 2\nmissed_day = "skip"'))
    r = m.merge(plan, sessions)
    assert r.matches[0].planned is None and r.latest["goblet_squat"].status is None
    assert (MON, "Legs", "missed") in r.calendar


def test_extra_unplanned_sets_do_not_hide_the_planned_status(tmp_path):
    wed = MON + datetime.timedelta(days=2)
    r = run(tmp_path, [(MON, squat_sets(fast=8) + split_sets()),
                       (wed, [{"exercise": "pogo_hops", "hops": hop_series(10)}] + squat_sets((5,)))])
    gs = r.latest["goblet_squat"]
    assert gs.status == HOLD and gs.reasons == ["tempo compliance 67% < 80% on goblet squat eccentric"]
    assert [(d, e.exercise, e.done) for d, e in r.unplanned] == [(wed, "goblet_squat", 5)]
    from repclip.merge_cli import status_lines
    from repclip.report import render

    assert "  goblet squat         extra    5 reps on 2026-01-07, not in the plan for that day" in status_lines(r)
    assert '<tr class="exercise-extra" data-exercise="goblet_squat">' in render(r.plan, r)


def test_extra_sets_in_several_files_add_up(tmp_path):
    wed = MON + datetime.timedelta(days=2)
    r = run(tmp_path, [(MON, squat_sets() + split_sets())] + [(wed, squat_sets((8,)))] * 3
            + [(wed, [{"exercise": "pogo_hops", "hops": hop_series(10)}])])
    assert [(d, e.exercise, e.done) for d, e in r.unplanned] == [(wed, "goblet_squat", 24)]
    assert r.latest["pogo_hops"].status == PUSH and r.latest["goblet_squat"].status == PUSH


def test_velocity_drop_at_the_same_load_holds(tmp_path):
    def squats(velocity, load):
        return [{"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": load,
                 "reps": [(3000, 1000, 1000, 42.0, velocity)] * 8}] * 3

    r = run(tmp_path, [(MON, squats(0.50, 16.0)), (MON + datetime.timedelta(days=7), squats(0.40, 16.0))])
    gs = r.latest["goblet_squat"]
    assert gs.status == HOLD
    assert "velocity down 20% vs last session at the same load on goblet squat (0.50 -> 0.40 m/s)" in gs.reasons
    r = run(tmp_path / "heavier", [(MON, squats(0.50, 16.0)), (MON + datetime.timedelta(days=7), squats(0.40, 18.0))])
    assert not any("velocity" in x for x in r.latest["goblet_squat"].reasons)  # slower under more load is expected


def test_overall_status_follows_current_exercises_and_as_of(tmp_path):
    wed3 = MON + datetime.timedelta(days=16)
    sessions = [(MON, squat_sets(fast=8) + split_sets()),  # held squats in week 1
                (wed3, [{"exercise": "pogo_hops", "hops": hop_series(10)}])]
    r = run(tmp_path, sessions)
    assert r.latest["goblet_squat"].status == HOLD  # still shown...
    assert r.status == PUSH and r.reasons[0] == "all 10 hops done on pogo hops"  # ...but 16 days old
    r = run(tmp_path / "past", sessions, as_of=MON)
    assert r.as_of == MON and "pogo_hops" not in r.latest and r.status == HOLD
