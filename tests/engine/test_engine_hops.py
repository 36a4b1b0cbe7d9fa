"""Hops: free-fall detection, flight/contact accuracy, landing grades."""

import statistics

import pytest

from engine_signals import G, hops, run, walking
from repcore import hops as hopmod
from repcore.engine import Engine
from repcore.events import HARD, MODERATE, SOFT


@pytest.mark.parametrize("hz", [12.5, 26, 52, 104, 208, 416, 833])
def test_every_hop_found_with_flight_and_contact_accuracy(hz):
    rows, truth = hops(hz, count=6, flight_s=0.40, contact_s=0.25)
    events = run(Engine(mode="hops", odr_hz=hz), rows)
    assert len(events) == len(truth)  # every hop, none invented
    period_ms = 1000.0 / hz
    flight_err = [abs((e.touchdown_us - e.takeoff_us) - (td - to)) / 1000.0
                  for e, (to, td) in zip(events, truth)]
    assert statistics.median(flight_err) <= period_ms + 2, flight_err
    contact_err = [abs(e.contact_ms - (truth[i][0] - truth[i - 1][1]) / 1000.0)
                   for i, e in enumerate(events) if i > 0]
    assert statistics.median(contact_err) <= 2 * period_ms, contact_err
    assert events[0].contact_ms is None and events[0].rsi is None
    for e in events[1:]:
        assert e.rsi == pytest.approx(e.jump_height_cm / 100 / (e.contact_ms / 1000))
    if hz >= 52:  # below that one period of flight error is several cm
        assert abs(events[0].jump_height_cm - 19.6) < 3  # g t^2 / 8 for 0.40 s


def test_clip_angle_does_not_change_the_hops():
    a = run(Engine(mode="hops"), hops(208, up=(0, 0, 1), noise=0.0)[0])
    b = run(Engine(mode="hops"), hops(208, up=(1, -2, 0.5), noise=0.0)[0])
    assert [(e.takeoff_us, e.touchdown_us) for e in a] == [(e.takeoff_us, e.touchdown_us) for e in b]


def test_landing_peak_and_loading_rate():
    rows, truth = hops(208, count=3, peak_g=3.5, contact_s=0.25)
    events = run(Engine(mode="hops"), rows)
    for e in events:
        assert 3.2 <= e.peak_g <= 3.8
        # half-sine peak is reached half a contact (125 ms) after touch-down
        assert 3.5 / 0.16 <= e.loading_rate_g_s <= 3.5 / 0.09
        assert e.softness == hopmod.grade(e.peak_g, e.loading_rate_g_s)


def test_softness_grades():
    assert hopmod.grade(2.0, 20.0) == SOFT
    assert hopmod.grade(3.5, 30.0) == MODERATE
    assert hopmod.grade(2.5, 60.0) == MODERATE
    assert hopmod.grade(5.5, 30.0) == HARD
    assert hopmod.grade(3.0, 150.0) == HARD
    stiff = run(Engine(mode="hops"), hops(208, count=2, peak_g=7.0, contact_s=0.12)[0])
    soft = run(Engine(mode="hops"), hops(208, count=2, peak_g=2.2, contact_s=0.5)[0])
    assert {e.softness for e in stiff} == {HARD}
    assert {e.softness for e in soft} == {SOFT}


def test_walking_and_standing_have_no_hops():
    assert run(Engine(mode="hops"), walking(104, 600)) == []
    assert run(Engine(mode="hops"), hops(104, count=0)[0]) == []


def test_a_dropped_device_is_not_a_hop():
    rows = [(i * 10000, 0.0, 0.0, G) for i in range(100)]
    rows += [(1000000 + i * 10000, 0.0, 0.0, 0.1) for i in range(150)]  # 1.5 s free fall
    rows += [(2500000 + i * 10000, 0.0, 0.0, G) for i in range(100)]
    assert run(Engine(mode="hops"), rows) == []


def test_a_gap_in_flight_invents_nothing():
    rows, truth = hops(104, count=4)
    to, td = truth[1]
    cut = [r for r in rows if not (to + 50000 <= r[0] <= td + 200000)]
    events = run(Engine(mode="hops"), cut)
    assert len(events) == 3
    for e in events:
        assert any(abs(e.takeoff_us - a) < 20000 and abs(e.touchdown_us - b) < 20000 for a, b in truth)


def test_phase_is_flight_in_the_air():
    rows, truth = hops(104, count=1)
    eng = Engine(mode="hops")
    phases = set()
    for r in rows:
        eng.feed(*r)
        phases.add(eng.phase)
        if truth[0][0] + 50000 < r[0] < truth[0][1] - 50000:
            assert eng.phase == "flight"
            assert abs(eng.phase_start_us - truth[0][0]) < 15000
    assert phases == {"ground", "flight"}


@pytest.mark.parametrize("hz", [26, 104, 416])
def test_a_thigh_swing_within_the_contact_is_no_hop(hz):
    # At the thigh the knee's flexion in a contact can read near free fall for
    # ~100 ms (generated low hops did, in 9 of 10 contacts, before the
    # generator's contact force was held at 1 g between impact and push):
    # a hop's contact takes 130 ms or more, so a take-off within 110 ms of a
    # touch-down is not one. Here 75-190 ms after each touch-down.
    rows, truth = hops(hz, count=5, flight_s=0.22, contact_s=0.25, dip=(0.3, 0.76, 0.03), noise=0.05)
    got = run(Engine(mode="hops", mount="thigh", odr_hz=hz), rows)
    assert len(got) == len(truth)  # none invented
    period = 1e6 / hz
    for e, (to, td) in zip(got, truth):
        assert abs(e.takeoff_us - to) <= period and abs(e.touchdown_us - td) <= period
