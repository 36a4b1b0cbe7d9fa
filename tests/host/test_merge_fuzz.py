"""Merge and report on random workouts: never crash, every judged exercise has a status with reasons and a next step,
and done/target add up."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repclip.demo import SAMPLE_PLAN
from repclip.merge import BACK_OFF, HOLD, PUSH, merge
from repclip.plan import load_plan
from repclip.report import render
from repclip.session import SessionData, SetData
from repcore.events import Hop, Rep

PLAN = load_plan(SAMPLE_PLAN)
NAMES = ["goblet_squat", "split_squat", "step_up", "single_leg_deadlift", "pogo_hops", "low_hops", "lateral_bounds",
         "mystery_move"]

set_spec = st.fixed_dictionaries({
    "exercise": st.sampled_from(NAMES),
    "side": st.sampled_from([None, "L", "R"]),
    "tempo": st.sampled_from([None, "3-1-1", "2-0-X", "bogus"]),
    "n": st.integers(0, 14),
    "ecc": st.integers(0, 6000),
    "peak": st.floats(0, 12),
    "contact": st.one_of(st.none(), st.integers(50, 600)),
    "rpe": st.one_of(st.none(), st.integers(1, 10)),
    "discomfort": st.one_of(st.none(), st.integers(0, 10)),
})
session_spec = st.tuples(st.integers(-3, 45), st.lists(set_spec, max_size=6))


def build(day_offset, sets, sid):
    start = datetime.datetime.combine(PLAN.start + datetime.timedelta(days=day_offset), datetime.time(7))
    out = []
    for n, spec in enumerate(sets, 1):
        hops = spec["exercise"] in ("pogo_hops", "low_hops", "lateral_bounds")
        s = SetData(n, {"exercise": spec["exercise"], "mode": "hops" if hops else "strength", "side": spec["side"],
                        "tempo": spec["tempo"]})
        for i in range(spec["n"]):
            if hops:
                s.hops.append(Hop(i, i * 700_000, i * 700_000 + 400_000, spec["contact"], spec["peak"], 100.0))
            else:
                t = i * 8_000_000
                s.reps.append(Rep(i, t, t + spec["ecc"] * 1000, t + spec["ecc"] * 1000 + 1_000_000,
                                  t + spec["ecc"] * 1000 + 2_000_000, rom_cm=40.0))
        s.rpe, s.discomfort = spec["rpe"], spec["discomfort"]
        out.append(s)
    return SessionData({"session": sid, "clock": int(start.timestamp())}, out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(session_spec, max_size=8))
def test_random_workouts_merge_cleanly(specs):
    sessions = [build(day, sets, i) for i, (day, sets) in enumerate(specs)]
    result = merge(PLAN, sessions)
    assert result.status in (None, PUSH, HOLD, BACK_OFF)
    for name, e in result.latest.items():
        if e.prescribed is None:
            assert e.status is None and e.reasons[0].startswith("unplanned")
            continue
        assert e.status in (PUSH, HOLD, BACK_OFF) and e.reasons and e.next is not None
        assert e.done == sum(len(s.hops) if e.mode == "hops" else len(s.reps) for s in e.sets)
        assert all(0 <= v <= 1 for v in e.compliance.values())
    if result.status is not None:
        assert result.reasons
    result.to_dict()
    page = render(PLAN, result)  # the report draws whatever the merge found
    assert page.endswith("</html>") and page.count("<svg") >= 1
