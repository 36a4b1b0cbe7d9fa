"""Strength reps on synthetic signals with exact truth (engine_signals)."""

import statistics

import pytest

from engine_signals import drop_between, run, squats, thigh_squats, vertical_moves, walking
from repcore.engine import Engine
from repcore.events import TEMPO_FAST, TEMPO_OK


def boundary_errors_ms(events, truth):
    errs = []
    for ev, t in zip(events, truth):
        got = (ev.start_us, ev.bottom_us, ev.rise_us, ev.end_us)
        errs.extend(abs(a - b) / 1000.0 for a, b in zip(got, t))
    return errs


def test_clean_squats_count_boundaries_rom_and_tempo():
    rows, truth = squats(208, reps=4, tempo=(3.0, 1.0, 1.0), depth_m=0.45)
    events = run(Engine(mode="strength", mount="waist", tempo="3-1-1"), rows)
    assert len(events) == 4
    assert [e.index for e in events] == [1, 2, 3, 4]
    errs = boundary_errors_ms(events, truth)
    assert statistics.median(errs) <= 60, errs
    assert max(errs) <= 150, errs
    for e in events:
        assert e.kind == "rep"
        assert e.start_us <= e.bottom_us <= e.rise_us <= e.end_us
        assert 35 <= e.rom_cm <= 55, e.rom_cm  # true depth 45 cm
        assert 0.3 <= e.mean_velocity_m_s <= 0.6  # 0.45 m in 1 s
        assert e.tempo_ok is True, e.to_dict()
        assert e.concentric_first is None and e.depth_deg is None


def test_fast_reps_are_judged_fast_against_a_slow_tempo():
    rows, _ = squats(104, reps=3, tempo=(1.0, 0.0, 0.8))
    events = run(Engine(mode="strength", mount="waist", tempo="3-1-1"), rows)
    assert len(events) == 3
    for e in events:
        assert e.tempo_eccentric == TEMPO_FAST
        assert e.tempo_pause in (TEMPO_FAST, TEMPO_OK)  # 0 s against 1 +- 0.5 s
        assert e.tempo_ok is False


@pytest.mark.parametrize("up", [(0, 0, 1), (1, 1, 0.2), (-0.5, 0.3, -0.8), (0, -1, 0)])
def test_clip_angle_does_not_change_the_reps(up):
    # Noise-free, so |a| is the same at every angle up to rounding.
    ref_rows, truth = squats(104, up=(0, 0, 1), noise=0.0)
    rows, _ = squats(104, up=up, noise=0.0)
    ref = run(Engine(mode="strength", mount="waist"), ref_rows)
    got = run(Engine(mode="strength", mount="waist"), rows)
    assert len(got) == len(ref) == len(truth)
    for a, b in zip(got, ref):
        for x, y in zip((a.start_us, a.bottom_us, a.rise_us, a.end_us),
                        (b.start_us, b.bottom_us, b.rise_us, b.end_us)):
            assert abs(x - y) <= 1000


@pytest.mark.parametrize("hz", [26, 52, 104, 208, 416, 833])
@pytest.mark.parametrize("tempo", [(2.0, 0.0, 1.0), (3.0, 1.0, 1.0), (1.0, 0.5, 0.7)])
def test_rate_does_not_change_the_count(hz, tempo):
    rows, truth = squats(hz, reps=3, tempo=tempo, seed=int(hz))
    events = run(Engine(mode="strength", mount="waist"), rows)
    assert len(events) == len(truth)
    errs = boundary_errors_ms(events, truth)
    assert statistics.median(errs) <= 60 + 1000.0 / hz, errs


def test_generated_squat_suite_meets_the_issue_numbers():
    """Many sets (rates 52-833 Hz, clip angles, tempos, depths): counts and boundaries."""
    sets = exact = 0
    errs = []
    for hz in (52, 104, 208, 833):
        for up in ((0, 0, 1), (1, 1, 0.2), (-0.5, 0.3, -0.8)):
            for tempo in ((3, 1, 1), (2, 0, 1), (1, 0.5, 0.7), (0.8, 0, 0.6)):
                rows, truth = squats(hz, reps=3, up=up, tempo=tempo, seed=hz + len(errs))
                events = run(Engine(mode="strength", mount="waist"), rows)
                sets += 1
                if len(events) == len(truth):
                    exact += 1
                    errs.extend(boundary_errors_ms(events, truth))
    assert exact >= 0.95 * sets, (exact, sets)
    errs.sort()
    assert errs[len(errs) // 2] <= 60
    assert errs[int(len(errs) * 0.95)] <= 250  # the issue asks 150: see docs/engine.md


def test_gaps_between_reps_keep_the_count():
    rows, truth = squats(100, reps=4, tempo=(1.5, 0.3, 1.0))
    gappy = drop_between(rows, truth)
    assert len(gappy) < len(rows)
    events = run(Engine(mode="strength", mount="waist"), gappy)
    assert len(events) == 4


@pytest.mark.parametrize("gyro", [True, False])
def test_thigh_mount_counts_reps_and_reports_depth_in_degrees(gyro):
    rows, truth = thigh_squats(104, reps=4, gyro=gyro)
    events = run(Engine(mode="strength", mount="thigh", tempo="2-0.5-1"), rows)
    assert len(events) == 4
    for e in events:
        assert e.rom_cm is None and e.mean_velocity_m_s is None
        assert 75 <= e.depth_deg <= 100, e.depth_deg
    errs = boundary_errors_ms(events, truth)
    assert statistics.median(errs) <= 150, errs


def test_standing_still_gives_no_reps():
    rows, _ = squats(104, reps=0, top_s=60.0)
    for mount in ("waist", "implement", "thigh"):
        assert run(Engine(mode="strength", mount=mount), rows) == []


@pytest.mark.parametrize("hz", [26, 104])
def test_ten_minutes_of_walking_and_fidgeting_give_at_most_one_rep(hz):
    rows = walking(hz, 600)
    for mount in ("waist", "implement"):
        assert len(run(Engine(mode="strength", mount=mount), rows)) <= 1


def test_up_first_lifts_swap_the_phase_roles():
    # A deadlift from the floor: up first, then down. Mirror a squat's motion.
    rows, truth = squats(104, reps=3, tempo=(1.0, 0.5, 2.0), seed=5)
    mirrored = [(t, -ax, -ay, 2 * 9.80665 - az, gx, gy, gz) for t, ax, ay, az, gx, gy, gz in rows]
    events = run(Engine(mode="strength", mount="waist", tempo="2-0-1"), mirrored)
    assert len(events) == 3
    for e in events:
        assert e.concentric_first is True
        # first stroke (1 s, up) is the concentric, second (2 s, down) the eccentric
        assert 700 <= e.concentric_ms <= 1300, e.to_dict()
        assert 1600 <= e.eccentric_ms <= 2400, e.to_dict()
        assert e.to_dict()["concentric_first"] is True


def test_same_trace_gives_identical_events():
    rows, _ = squats(208, reps=3, seed=11)
    a = [e.to_dict() for e in run(Engine(mode="strength", mount="waist", tempo="3-1-1"), rows)]
    b = [e.to_dict() for e in run(Engine(mode="strength", mount="waist", tempo="3-1-1"), rows)]
    assert a == b and len(a) == 3


def test_reset_starts_a_new_set():
    rows, _ = squats(104, reps=2)
    eng = Engine(mode="strength", mount="waist")
    assert len(run(eng, rows)) == 2
    eng.reset()
    assert eng.count == 0 and eng.phase == "top"
    again = run(eng, rows)
    assert [e.index for e in again] == [1, 2]


def test_live_phase_follows_the_rep():
    rows, truth = squats(104, reps=1, tempo=(3.0, 1.0, 1.0))
    eng = Engine(mode="strength", mount="waist")
    start, bottom, rise, end = truth[0]
    seen = {}
    for r in rows:
        eng.feed(*r)
        if eng.phase not in seen:
            seen[eng.phase] = (r[0], eng.phase_start_us)
    assert set(seen) == {"top", "eccentric", "pause", "concentric"}
    # The phase shows once the movement is sure (a few hundred ms in), and
    # phase_start_us dates it back to when it began.
    for phase, truth_us in (("eccentric", start), ("pause", bottom), ("concentric", rise)):
        shown_us, began_us = seen[phase]
        assert shown_us - truth_us < 600000
        assert abs(began_us - truth_us) < 150000, (phase, began_us, truth_us)


def test_which_lifts_are_found_in_the_pelvis_tilt():
    from repcore.strength import tilts_at_waist
    for name in ("goblet_squat", "Back Squat", "single_leg_deadlift", "sldl", "kb_deadlift", "romanian-deadlift"):
        assert tilts_at_waist(name), name
    for name in (None, "", "split_squat", "Bulgarian split squat", "step_up", "reverse_lunge", "pogo_hops"):
        assert not tilts_at_waist(name), name


def test_single_leg_deadlifts_at_the_waist_are_counted_in_the_tilt_with_range_and_depth():
    # The hip drops 6-15 cm while the pelvis tilts 55-80 deg: named, the reps are
    # found in the tilt; unnamed, the travel alone is lost in medium sensor noise.
    from repclip import tracegen
    from repclip.replay import run_engine
    named = unnamed = 0
    rom_err = []
    for i in range(12):
        meta, samples, labels = tracegen.generate("sldl", mount="waist", noise="medium", odr_hz=104.0, reps=5,
                                                  tempo="3-1-1", seed=700 + i)
        reps, _ = run_engine(samples, "strength", "waist", "3-1-1", odr_hz=104.0, exercise=meta["exercise"])
        named += len(reps) == labels["rep_count"]
        for r, t in zip(reps, labels["reps"]):
            rom_err.append(abs(r.rom_cm - t["depth_cm"]))  # the hip's 6-15 cm, still integrated
            assert 40.0 <= r.depth_deg <= 95.0, (i, r.depth_deg)  # 55-80 deg, +-15 % per rep, less roll and yaw
        reps, _ = run_engine(samples, "strength", "waist", "3-1-1", odr_hz=104.0)
        unnamed += len(reps) == labels["rep_count"]
    assert named == 12
    assert unnamed <= 6
    assert statistics.median(rom_err) <= 2.0 and max(rom_err) <= 8.0, sorted(rom_err)


def test_slow_single_leg_deadlifts_at_the_thigh_are_seen_moving():
    # The stance thigh flexes 12-25 deg over 4 s: as steady as rest to the
    # accelerometer and under the gyro's noise threshold, so segments closed
    # mid-stroke and no stroke reached 10 deg (5 and 0 of these 12 before).
    from repclip import tracegen
    from repclip.replay import run_engine
    for noise in ("medium", "high"):
        exact = 0
        for i in range(12):
            meta, samples, labels = tracegen.generate("sldl", mount="thigh", noise=noise, odr_hz=104.0, reps=5,
                                                      tempo="4-2-2", seed=800 + i)
            reps, _ = run_engine(samples, "strength", "thigh", "4-2-2", odr_hz=104.0, exercise=meta["exercise"])
            exact += len(reps) == labels["rep_count"]
        assert exact >= 9, (noise, exact)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "thigh", "low", 833.0, "2-0-1", 8, 125),
    ("split_squat", "thigh", "low", 26.0, "2-0-1", 3, 700098),
    ("split_squat", "thigh", "medium", 208.0, "1-0-1", 4, 700099),
    ("squat", "waist", "low", 12.5, "1-0-1", 5, 700202),
    ("squat", "waist", "low", 52.0, "1-0-1", 7, 300070),
    ("sldl", "waist", "medium", 12.5, "1-0-1", 8, 300167),
])
def test_a_rerack_before_the_set_is_not_its_first_rep(kind, mount, noise, odr, tempo, reps, seed):
    # Generated sets whose re-rack or pick-up (a hinge out and back, no pause)
    # paired with the first rep and was counted: the first two reps of a set
    # must be more alike than a rep to the set (within 0.75, not 0.6).
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "waist", "high", 833.0, "4-2-2", 7, 700204),
    ("split_squat", "implement", "high", 833.0, "2-1-2", 5, 300032),
    ("split_squat", "waist", "high", 52.0, "1-0-1", 3, 300084),
])
def test_a_first_rep_unlike_the_second_is_still_the_sets_first(kind, mount, noise, odr, tempo, reps, seed):
    # At high noise the first rep measured less alike the second than the
    # first pair must be (0.75), the second and third paired, and the first
    # was left pending. Just before that pair, as close to it as its reps are
    # to each other and like their mean as a rep to a set, it is counted.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("sldl", "waist", "none", 104.0, "2-0-1", 3, 36),
    ("split_squat", "waist", "none", 26.0, "2-0-1", 6, 300021),
    ("sldl", "thigh", "high", 52.0, "X-0-X", 4, 103),
    ("split_squat", "waist", "low", 208.0, "1-0-1", 7, 300022),
    ("squat", "waist", "none", 208.0, "2-0-1", 4, 700201),
    ("kb_deadlift", "thigh", "low", 416.0, "3-1-1", 5, 300062),
    ("split_squat", "thigh", "high", 26.0, "2-0-1", 7, 300028),
])
def test_a_rerack_after_the_set_is_not_one_more_rep(kind, mount, noise, odr, tempo, reps, seed):
    # A re-rack's dip after the set measured 0.6-0.65 of the set's reps and
    # passed the 0.6 a rep must be to the set; at a low noise floor reps
    # measure within ~6 % of each other, and the size must be within 0.75.
    # So must a size read from the tilt (the gyro's), whatever the
    # accelerometer's noise: at the thigh a re-rack flexed 0.73 of the reps.
    # And where a tempo paces the strokes, at a low noise floor or in the
    # tilt each stroke's time must be within 0.69 of the set's: the last four
    # re-racks (one a stand-up paired with one) measured alike in size but
    # took 1.5-1.8x as long.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "waist", "high", 26.0, "3-1-1", 7, 700228),
    ("split_squat", "implement", "high", 416.0, "3-1-X", 5, 300092),
    ("split_squat", "waist", "high", 26.0, "3-1-1", 3, 300144),
])
def test_a_pause_is_rest_though_the_sensor_error_moved_the_velocity(kind, mount, noise, odr, tempo, reps, seed):
    # At the bottom the clip or bell is tilted and the sensor's bias and scale
    # error read along the new gravity direction: the integrated velocity
    # drifted 0.1-0.2 m/s by the pause, the pause did not close the segment
    # and two reps' strokes ran together. The error read while still is
    # taken off before the velocity gate.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("split_squat", "thigh", "medium", 104.0, "3-1-1", 3, 138),
    ("split_squat", "thigh", "high", 26.0, "2-1-2", 5, 700040),
])
def test_a_thigh_at_rest_in_the_split_stance_is_still(kind, mount, noise, odr, tempo, reps, seed):
    # Back in the 25-35 deg split stance after the last rep, the thigh read
    # 0.07 m/s^2 off the 1 g learned standing (the sensor's error along the
    # new gravity direction, not learned at the thigh): no rest was found,
    # and the rep's rise ran into the step back to standing as one stroke.
    # At the thigh the tilt holding is the rest.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "implement", "high", 416.0, "4-2-2", 8, 11),
    ("squat", "implement", "high", 416.0, "3-1-1", 5, 300020),
])
def test_a_rep_not_found_does_not_end_the_set(kind, mount, noise, odr, tempo, reps, seed):
    # A slow rep at high noise whose strokes were not found left more than
    # the 8 s "set over" gap before the next; that next rep then had to pair
    # with another to start a "new set", and the set's last rep was lost.
    # The gap now allows one more of the set's reps: the last rep is counted.
    got, labels = _generated_reps(kind, mount, noise, odr, tempo, reps, seed)
    assert _found(labels["reps"][-1], got), [(r.start_us, r.end_us) for r in got]


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "waist", "high", 104.0, "4-2-2", 6, 87),
    ("squat", "waist", "high", 833.0, "4-2-2", 6, 183),
    ("split_squat", "waist", "medium", 208.0, "4-2-2", 8, 300203),
    ("split_squat", "implement", "high", 416.0, "3-1-1", 8, 83),
])
def test_a_slow_stroke_is_not_rest_where_the_tempo_asks_for_slow_strokes(kind, mount, noise, odr, tempo, reps, seed):
    # The middle of a 3-4 s stroke peaks near 0.1 m/s^2: under the "still at
    # 1 g" tolerance at high noise, it passed for rest and closed segments
    # mid-stroke (the 4-2-2 step-ups found 0 of 6). Where the tempo asks for
    # strokes of 3 s or more, the noise's share of that tolerance is smaller.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("sldl", "thigh", "medium", 416.0, "3-1-X", 3, 162),
    ("sldl", "thigh", "medium", 12.5, "3-1-1", 4, 700063),
    ("split_squat", "implement", "high", 104.0, "3-1-X", 8, 203),
    ("kb_deadlift", "thigh", "low", 208.0, "2-1-2", 5, 300122),
])
def test_a_segments_first_stroke_is_measured_from_its_top_not_its_first_sample(kind, mount, noise, odr, tempo, reps, seed):
    # A segment opens up to 1.5 s before the motion was seen, often in the
    # last of the previous rest while the level still drifts. The first
    # stroke was measured from that first sample: in the first set an 11 deg
    # lowering at the thigh read 9.8 deg, under the 10 deg a stroke must
    # cover, and the rep was lost. It is now measured from the extreme
    # before it (10.5 deg there); each of these sets lost a rep before.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("split_squat", "implement", "medium", 26.0, "4-2-2", 8, 700163),
])
def test_a_long_stillness_in_a_slow_lowering_closes_nothing_while_the_tilt_turns(kind, mount, noise, odr, tempo, reps,
                                                                                 seed):
    # The set's seventh lowering took 4.4 s; at medium noise 1.6 s of its
    # middle was still, which closed the segment whatever the velocity said,
    # and the lowering was cut in two, pieces too small to pair: the set lost
    # its last two reps. A rest found by its length alone now also needs the
    # tilt to hold.
    got, labels = _generated_reps(kind, mount, noise, odr, tempo, reps, seed)
    assert len(got) == reps
    assert _found(labels["reps"][-1], got), [(r.start_us, r.end_us) for r in got]


def _overlapping(truth_rep, got):
    """The engine reps that overlap this labelled rep."""
    return [r for r in got if r.start_us < truth_rep["end_us"] and r.end_us > truth_rep["start_us"]]


def _found(truth_rep, got):
    """An engine rep overlaps this labelled rep."""
    return bool(_overlapping(truth_rep, got))


def _generated_count(kind, mount, noise, odr, tempo, reps, seed):
    """Reps the engine counts in a generated set (benchmarks/accuracy.py's sets, seeds 0, 7 and 3)."""
    got, _ = _generated_reps(kind, mount, noise, odr, tempo, reps, seed)
    return len(got)


def _generated_reps(kind, mount, noise, odr, tempo, reps, seed, **opts):
    """(the engine's Rep events, the generator's labels) for a generated set."""
    from repclip import tracegen
    from repclip.replay import run_engine
    meta, samples, labels = tracegen.generate(kind, mount=mount, noise=noise, odr_hz=odr, tempo=tempo, reps=reps,
                                              seed=seed, **opts)
    assert labels["rep_count"] == reps
    # (with the rate the sensor was set to, as the board runs the engine)
    got, _ = run_engine(samples, "strength", mount, tempo, odr_hz=float(meta["odr_hz"]), exercise=meta["exercise"])
    return got, labels


def _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed, **opts):
    """The engine counts a generated set's reps, and each labelled rep is one of them."""
    got, labels = _generated_reps(kind, mount, noise, odr, tempo, reps, seed, **opts)
    assert len(got) == reps, [(r.start_us, r.end_us) for r in got]
    for t in labels["reps"]:
        assert _found(t, got), [(r.start_us, r.end_us) for r in got]


@pytest.mark.parametrize("tempo", [None, "3-1-1"])
@pytest.mark.parametrize("mount,noise,odr,seed", [
    ("thigh", "none", 104.0, 390010),
    ("thigh", "none", 104.0, 490013),
    ("waist", "low", 12.5, 490015),
    ("waist", "low", 12.5, 690021),
])
def test_two_re_racks_in_a_row_are_not_a_set(mount, noise, odr, seed, tempo):
    # A minute of walking about (benchmarks/accuracy.py's walks, seeds 3, 4
    # and 6) with two re-racks back to back: a hinge out and back each, alike
    # in size and pace, which passed for a set's first two reps (2 false reps
    # each; the 12.5 Hz ones once a shorter rest closes segments there). A
    # set now starts with three alike, with or without a tempo target.
    from repclip import tracegen
    from repclip.replay import run_engine
    _, samples, labels = tracegen.generate("walk", mount=mount, noise=noise, odr_hz=odr, duration_s=60.0, seed=seed)
    assert labels["rep_count"] == 0
    got, _ = run_engine(samples, "strength", mount, tempo, odr_hz=odr)
    assert [(r.start_us, r.end_us) for r in got] == []


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "waist", "medium", 833.0, "1-0-1", 6, 700023),  # a re-rack 2.5 s before the first rep
    ("split_squat", "thigh", "medium", 208.0, "1-0-1", 4, 700099),  # ... 4.9 s before
    ("step_up", "thigh", "low", 52.0, "X-0-X", 8, 89),  # the other foot's lifts between the reps
    ("split_squat", "implement", "high", 104.0, "3-1-X", 8, 203),  # the first rep measured 0.6 of the next
    ("kb_deadlift", "thigh", "none", 833.0, "2-0-1", 6, 1100265),  # the first rep's lowering 0.65 of the third's
])
def test_the_three_that_start_a_set_are_its_reps_and_nothing_before(kind, mount, noise, odr, tempo, reps, seed):
    # Which three start the set matters: a re-rack before it, alike as a rep
    # to a set but not as the first pair must be, only confirms; a pair with
    # the other foot's lifts between them is still a pair; a first rep like
    # the set's mean but not like every other rep is still the first.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("split_squat", "thigh", "low", 26.0, "2-0-1", 8, 77),  # a re-rack 4.8 s before the set, a dip 4.3 s after
    ("sldl", "waist", "medium", 26.0, "2-0-1", 6, 700119),  # a dip 2.2 s after the set
    ("split_squat", "waist", "none", 416.0, "X-0-X", 4, 700213),  # a re-rack 3.5 s before, 1.15 s a stroke
    ("split_squat", "thigh", "high", 12.5, "X-0-X", 7, 300088),  # ... 3.8 s before, 1.13 s a stroke
])
def test_a_dip_far_from_the_set_off_its_tempo_is_not_a_rep(kind, mount, noise, odr, tempo, reps, seed):
    # (benchmarks/accuracy.py's sets 0:77, 7:98, 7:192 and 3:79) A re-rack's
    # dip, out and back at its own pace, is alike enough to be a rep near
    # the set, not far from it (further than the set's reps are from each
    # other, + 0.5 s) when the tempo tells it apart: against a 2-0-1 it
    # lowers and rises 1:1 where the reps go 2:1; against an X-0-X its
    # strokes take over a second, where the reps' take 0.45-0.8 s. It
    # counted before (8 -> 10, 6 -> 7, 4 -> 5, 7 -> 8).
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("split_squat", "waist", "low", 208.0, "2-0-1", 6, 200019),  # a re-rack 2.6 s after the set
    ("split_squat", "waist", "medium", 12.5, "2-0-1", 7, 800038),
    ("split_squat", "waist", "none", 833.0, "1-0-1", 5, 800156),
    ("squat", "waist", "none", 208.0, "1-0-1", 5, 800204),  # ... 2.2 s after, half the travel per degree
    ("squat", "waist", "medium", 416.0, "1-0-1", 7, 200068),  # (2:62) at a noise floor of 0.036
])
def test_a_dip_far_from_the_set_that_bends_unlike_its_reps_is_not_a_rep(kind, mount, noise, odr, tempo, reps,
                                                                        seed):
    # (benchmarks/accuracy.py's sets 2:13, 8:14, 8:132, 8:180, 2:62) A re-rack
    # bends the pelvis 30-55 deg for 15-30 cm of travel. Against a 1-0-1 its
    # rhythm is the reps' and its size can be too; its proportion of tilt to
    # travel is not: a split squat's pelvis turns 6-18 deg for ~30 cm, a
    # squat's ~40 deg for ~45 cm. Far from the set, at a low noise floor,
    # where both are measured, a candidate whose proportion is outside 0.65
    # of the set's is not a rep (a floor of 0.06 m/s^2 for a lift found in
    # the tilt: its travel is a squat's 45 cm). Each counted one more before.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "implement", "low", 12.5, "4-2-2", 8, 800117),  # 4-5 deg between the rests, 8 -> 7
    ("sldl", "implement", "medium", 104.0, "4-2-2", 5, 400178),  # 3-4 deg, 5 -> 4
    ("step_up", "waist", "medium", 26.0, "X-0-X", 7, 800050),  # 3 deg, 7 -> 6
    ("split_squat", "waist", "medium", 12.5, "4-2-2", 4, 1100047),  # 8-10 deg, 4 -> 3
    ("split_squat", "waist", "high", 104.0, "2-1-2", 4, 400027),  # 11-12 deg, 4 -> 3
])
def test_the_tilt_error_is_not_read_off_a_small_turn(kind, mount, noise, odr, tempo, reps, seed):
    # (benchmarks/accuracy.py's sets 8:93, 4:166, 8:26, 11:14, 4:15) How the
    # sensor's error changes with the tilt is taken from a segment's own two
    # rests only where the tilt changed 12 deg or more between them. Over a
    # few degrees the rests' noise, or a slow stroke's deceleration read as
    # the end rest, is the slope: the one sensor's slope read from one set's
    # segments ranged -0.010 to +0.002 m/s^2 per degree, and took a rep's
    # stroke away. Each counted one rep less before.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("kb_deadlift", "implement", "high", 52.0, "3-1-X", 8, 59),  # a 1 s pause measured 0.19 s
    ("squat", "implement", "high", 104.0, "4-2-2", 7, 1100164),  # a 1.6 s pause measured 2.43 s
])
def test_a_pause_timed_off_in_noise_keeps_its_rep(kind, mount, noise, odr, tempo, reps, seed):
    # (benchmarks/accuracy.py's sets 0:59 and 11:131) Where the travels
    # scatter (a noise floor over 0.03 m/s^2) a stroke's ends are timed off
    # by 0.3-0.5 s, and a rep's pause with them: the pause must be within
    # 0.35 s and half the set's there, not a third. Each lost a rep before.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "implement", "medium", 52.0, "4-2-2", 3, 800034),  # 8:10, 0 of 3 before
    ("kb_deadlift", "implement", "high", 12.5, "3-1-1", 3, 100182),  # 1:179, 2
    ("split_squat", "waist", "medium", 833.0, "3-1-1", 7, 200080),  # 2:74, 6
    ("split_squat", "implement", "high", 833.0, "3-1-1", 7, 500038),  # 5:23, 6
    ("sldl", "implement", "high", 12.5, "3-1-X", 3, 700128),  # 7:107, 0
])
def test_a_pause_inside_a_segment_zeroes_the_velocity(kind, mount, noise, odr, tempo, reps, seed):
    # (benchmarks/accuracy.py's sets as marked) Where a rep's bottom pause
    # does not close its segment, the drift read there (0.26 m/s in the
    # squat's 2 s pause) is taken off as at a rest, and the error's slope
    # with the tilt measured between the start rest and the held bottom:
    # the squat's first rep measured 0.85 m down and 0.6 up before, unlike
    # its set.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "waist", "low", 416.0, "2-0-1-0", 8, 70025),  # the touch-and-go section's 0:25, 7 before
    ("kb_deadlift", "implement", "none", 12.5, "2-0-1-0", 5, 70056),  # 0:56, 4
    ("sldl", "implement", "high", 12.5, "3-1-1", 7, 1100140),  # 11:107, 6
])
def test_a_long_segment_broken_by_pauses_is_not_detrended(kind, mount, noise, odr, tempo, reps, seed):
    # (benchmarks/accuracy.py's sets as marked) A segment of 12 s or more
    # without a rest was detrended: the velocity less its mean over a rep's
    # time, which bends the first and last reps. Where pauses or the still
    # moment of a turn break it into stretches under 12 s, the velocity is
    # made zero there instead, as in a shorter segment.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


def test_a_refused_rep_does_not_keep_a_set_from_starting():
    # (benchmarks/accuracy.py's set 8:107: a 4-2-2 single-leg deadlift on a
    # bell at 12.5 Hz, high noise; 0 of 4 before) Reps of a slow set are ~9 s
    # apart from end to start when one between them is refused (its pause
    # timed off) or not shown: the first pair, and the third, may be 8 s and
    # one of their own reps' length apart, as a running set's reps may.
    _assert_every_rep_found("sldl", "implement", "high", 12.5, "4-2-2", 4, 800131)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "waist", "high", 52.0, "3-1-X", 7, 100150),  # benchmarks/accuracy.py's 1:147, between two
    ("kb_deadlift", "implement", "high", 26.0, "3-1-X", 4, 200125),  # 2:119, the first
    ("step_up", "waist", "high", 208.0, "3-1-X", 5, 1100060),  # 11:27, the first
    ("sldl", "implement", "high", 12.5, "4-2-2", 3, 100110),  # 1:107, before the pair that ends the set
    ("step_up", "waist", "medium", 12.5, "3-1-X", 6, 700107),  # 7:86, the test set's
])
def test_a_rep_timed_long_only_in_its_lead_stroke_is_counted(kind, mount, noise, odr, tempo, reps, seed):
    # In noise the travel's drift or sway before a stroke out of rest moves
    # its 10 % crossing early: these reps measured 0.5-1.6 s long in the
    # lead stroke alone (a 0.7 s step up as 1.6 s), unlike their set, and
    # were not counted. Next to the set's reps, like it in size and in the
    # closing stroke, with a lead stroke no shorter, they are.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


def test_a_dip_before_a_touch_and_go_set_is_not_its_first_rep():
    # A dip 2.4 s before a 2-0-1-0 set paired with the first rep and was
    # counted, as close to it as that rep was to the third chosen, with the
    # set's second rep between them; the dip's symmetric strokes in the set's
    # mean then made the second rep unlike the set, and the count came out
    # right with the wrong reps. The first is now measured against the
    # next of the set's reps.
    _assert_every_rep_found("split_squat", "waist", "low", 208.0, "2-0-1-0", 8, 9025)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "implement", "high", 416.0, "4-2-2", 3, 100158),  # benchmarks/accuracy.py's 1:155, 2 before
    ("split_squat", "implement", "high", 416.0, "4-2-2", 7, 1100116),  # 11:83, 6
])
def test_a_slow_stroke_whose_middle_passed_for_rest_is_analysed_whole(kind, mount, noise, odr, tempo, reps, seed):
    # A 4 s lowering on a bell peaks at 0.1 m/s^2: at high noise its middle
    # passed for rest, the segment closed there without a stroke and the
    # next began mid-stroke, at a speed it took for zero; the rep was lost.
    # A segment closed so, its travel moving half a least stroke, is now
    # analysed again from its start together with the next.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("split_squat", "waist", "high", 52.0, "4-2-2", 5, 500090),  # benchmarks/accuracy.py's 5:75, 4 before
    ("split_squat", "waist", "high", 26.0, "2-1-2", 8, 800159),  # 8:135, 7
    ("squat", "implement", "high", 52.0, "2-1-2", 8, 191),  # 0:191, 7
])
def test_a_rep_whose_strokes_measure_unequal_in_noise_counts_within_its_set(kind, mount, noise, odr, tempo, reps,
                                                                            seed):
    # At high noise one stroke of a rep measured 0.34-0.43 of the other (a
    # slow lowering cut short by a close mid-stroke, a rise carrying drift to
    # 1.7x the set's), under the 0.45 a rep's two strokes must balance, and
    # the rep was lost. Where a set runs or candidates wait for one, 0.3.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


def test_noise_in_a_held_bottom_is_not_a_reps_return_stroke():
    # (benchmarks/accuracy.py's 8:195: a 3-1-X split squat at the waist, 12.5
    # Hz, high noise; 7 of 8 before) Noise in one rep's 1 s pause at the
    # bottom measured as a 5.6 cm rise, a quarter of the set's strokes; it
    # took the lowering as its lead, the pair was unlike the set, and the real
    # rise after the pause had no lead left. Where a set runs, a return that
    # small is passed over and the lead waits for the next.
    _assert_every_rep_found("split_squat", "waist", "high", 12.5, "3-1-X", 8, 800219)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "thigh", "high", 12.5, "4-2-2", 5, 1900208),  # a fresh seed's (19:151), 3 before
    ("step_up", "thigh", "high", 52.0, "2-0-1-0", 7, 170034),  # the touch-and-go section's 1:31
])
def test_a_sets_third_need_be_like_its_neighbour_only_as_loosely_as_reps_vary(kind, mount, noise, odr, tempo, reps,
                                                                             seed):
    # A set starts with a pair and a third like the pair's mean; the third was
    # also held to its neighbour in the pair at the precise limit (0.69 of each
    # stroke's time), but each rep may be 25 % off the tempo, so two reps at
    # its opposite ends differ by 0.6. To its neighbour it now needs 0.55.
    _assert_every_rep_found(kind, mount, noise, odr, tempo, reps, seed)


def test_a_walking_thighs_swings_are_not_a_set_of_two_at_the_sets_end():
    # A thigh X-0-X step-up set at 12.5 Hz without noise (a fresh seed's set
    # 13:28): walking away after it, the thigh swung +24, -43, +43, -21 deg,
    # ramping in and out about standing. The swings paired as two reps, their
    # strokes 0.48-0.55 of each other, alike, and the set's end took them for
    # a set of two: 10 reps of 8. In the tilt a rep's strokes balance within
    # 0.81 at every noise level, so there a pair needs 0.7.
    _assert_every_rep_found("step_up", "thigh", "none", 12.5, "X-0-X", 8, 1300067)


def test_a_deeper_rep_whose_tilt_grew_in_proportion_is_one_of_the_set():
    # A 12.5 Hz split squat set at the waist, medium noise (a fresh seed's
    # set 17:14; 3 of 4 before): its last rep went 1.34x as deep as the
    # set's (36 cm against 26-27), and at a low noise floor a rep must be
    # within 0.75 of its set. Its pelvis turned 1.23x as far too (13.9 deg
    # against 10.3-12.4): a deeper rep, not a re-rack, whose tilt to travel
    # (30-55 deg for 15-30 cm) is 1.7x a split squat's (6-18 deg for ~30 cm)
    # or more.
    _assert_every_rep_found("split_squat", "waist", "medium", 12.5, "3-1-X", 4, 1700065)


def test_a_held_bottoms_pause_is_found_through_the_drift_at_high_noise():
    # A 2-1-2 split squat on a bell at high noise (a fresh seed's set 17:23;
    # 6 of 7 before): one rep's lowering, pause and rise fell in one segment,
    # and its 1 s pause read 0.094 m/s of drift where a pause may read 0.3 of
    # the strokes' peak, 0.091. Found without its pause, the rep was unlike
    # the set. Where the tempo holds the bottom, 0.4.
    _assert_every_rep_found("split_squat", "implement", "high", 833.0, "2-1-2", 7, 1700074)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("kb_deadlift", "thigh", "none", 52.0, "2-1-2", 3, 200058),  # benchmarks/accuracy.py's set 2:52: 0 of 3 before
    ("kb_deadlift", "thigh", "none", 833.0, "2-1-2", 8, 100235),  # 1:232: 9, two reps 169-239 ms off
    ("kb_deadlift", "thigh", "none", 26.0, "1-0-1", 8, 100115),  # 1:112: 7
    ("kb_deadlift", "thigh", "low", 416.0, "4-2-2", 3, 700074),  # 7:53: 0
    ("kb_deadlift", "thigh", "none", 208.0, "4-2-2", 5, 800076),  # 200-234 ms off
    ("step_up", "thigh", "none", 208.0, "3-1-1", 5, 4711),  # 71-148 ms off
])
def test_a_lift_that_passes_standing_to_the_side_ends_when_it_ends(kind, mount, noise, odr, tempo, reps, seed):
    # A lift from the bottom pauses at the top, at standing; each rep passes
    # it a few degrees to the side (a roll, a yaw) and the hip locks out a
    # little past it. The tilt's magnitude folded there instead of crossing
    # zero, and the lift measured ending early, the lowering starting late
    # (by 0.2-0.3 s), or the reps no longer alike (counts above). The
    # analysis now signs the tilt in the plane of the segment's motion near
    # standing: every rep counted, every boundary within 100 ms.
    got, labels = _generated_reps(kind, mount, noise, odr, tempo, reps, seed)
    assert len(got) == reps, [(r.start_us, r.end_us) for r in got]
    for t in labels["reps"]:
        r = _overlapping(t, got)
        assert r, (t, [(r.start_us, r.end_us) for r in got])
        off = {k: abs(getattr(r[0], k) - t[k]) // 1000 for k in ("start_us", "bottom_us", "rise_us", "end_us")}
        assert max(off.values()) <= 100, off


def test_a_set_of_two_counts_when_the_athlete_ends_it():
    # No third rep confirms a set of two; the athlete ending the set does
    # (the board calls finish() at "set done"): two alike just before it
    # are the set's reps.
    _assert_every_rep_found("kb_deadlift", "implement", "low", 833.0, "X-0-X", 2, 144, context=False)


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("step_up", "implement", "high", 12.5, "3-1-1", 8, 35),
    ("step_up", "waist", "medium", 12.5, "3-1-X", 5, 86),
    ("step_up", "implement", "high", 12.5, "3-1-1", 3, 700056),
])
def test_at_12_5_hz_the_pause_between_reps_closes_the_segment(kind, mount, noise, odr, tempo, reps, seed):
    # At 12.5 Hz a block is one 80 ms sample and stillness is seen a sample
    # or two late: the 0.8-1.1 s between step-ups did not hold 450 ms of rest,
    # the pause ran into the next stroke and the rep's phases no longer fit
    # the set. The end rest is 315 ms there (0.45 s less 3x the 45 ms the
    # period exceeds a 35 ms block by).
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "implement", "low", 26.0, "3-0-2-0", 8, 9019),
    ("squat", "implement", "medium", 104.0, "3-0-2-0", 8, 9020),
    ("split_squat", "waist", "medium", 104.0, "3-0-2-0", 8, 9028),
    ("split_squat", "implement", "low", 26.0, "3-0-2-0", 8, 9043),
    ("step_up", "waist", "low", 26.0, "3-0-2-0", 8, 9051),
    ("step_up", "implement", "medium", 104.0, "3-0-2-0", 8, 9068),
    ("sldl", "implement", "none", 416.0, "2-0-1", 6, 100107),  # the benchmark's 1:104: ~0.7 s between reps
    ("step_up", "waist", "medium", 26.0, "2-1-2", 6, 700047),  # 7:26: two 6 s reps in one 12.6 s segment
])
def test_reps_without_a_rest_between_them_are_detrended_over_their_own_cycle(kind, mount, noise, odr, tempo,
                                                                             reps, seed):
    # With no rest between reps the drift is taken off as the velocity's mean
    # over a window, zero over whole reps. Over 3 s a 5-6 s rep lost its
    # middle: these counted 0-4 of 6-8. The window is now the tempo's rep
    # time, then the reps' own cycle measured between their tops.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,reps,seed", [
    ("squat", "implement", "low", 208.0, "2-0-1-0", 8, 9017),
    ("split_squat", "waist", "low", 208.0, "2-0-1-0", 8, 9025),
    ("split_squat", "implement", "medium", 52.0, "2-0-1-0", 8, 9042),
    ("step_up", "implement", "low", 208.0, "2-0-1-0", 8, 9065),  # a lift that starts upward
    ("sldl", "implement", "medium", 104.0, "3-0-2-0", 8, 9092),
])
def test_reps_without_a_rest_have_their_drift_measured_where_the_athlete_stands(kind, mount, noise, odr, tempo,
                                                                              reps, seed):
    # Between touch-and-go reps the athlete still stands 0.25-0.45 s at the
    # top: the velocity is zero there, and its integral's value there is
    # the drift. Taken off as the line through those values (and the rests
    # at the segment's ends) instead of a window's mean, which bends the
    # first and last reps: these counted 6 or 7 of 8.
    assert _generated_count(kind, mount, noise, odr, tempo, reps, seed) == reps


@pytest.mark.parametrize("kind,mount,odr,seed", [
    ("squat", "implement", 52.0, 6004),
    ("split_squat", "implement", 52.0, 6012),
])
def test_reps_without_a_rest_in_a_stream_that_begins_mid_rep(kind, mount, odr, seed):
    # The board's set can start with the athlete already lowering (the
    # virtual board replays a real set from its second second): no rest
    # before it, the velocity not zero where the segment begins, 1 g never
    # learned at rest. The drift at the still tops is then carried on
    # straight to the start, not pinned to zero there. 7 touch-and-go reps
    # cut in the first one's lowering: the 6 whole ones are counted (4 and 3
    # before). (Not 8: at 3-0-2-0 those run past the ring's ~39 s of blocks,
    # whose forced close then falls in the last rep: a known limit, see
    # docs/engine.md. Measured without the sensor's rate, as until the third
    # 2026-12-04 session, the ring held shorter blocks and 8 counted 7.)
    from repclip import tracegen
    from repclip.replay import run_engine
    meta, samples, labels = tracegen.generate(kind, mount=mount, noise="low", odr_hz=odr, tempo="3-0-2-0", reps=7,
                                              seed=seed)
    first = labels["reps"][0]
    cut = first["start_us"] + (first["bottom_us"] - first["start_us"]) // 2
    got, _ = run_engine([s for s in samples if s[0] >= cut], "strength", mount, "3-0-2-0", odr_hz=odr,
                        exercise=meta["exercise"])
    assert len(got) == 6, [(r.start_us, r.end_us) for r in got]


@pytest.mark.parametrize("kind,mount,noise,odr,tempo,seed", [
    ("squat", "implement", "none", 104.0, "3-0-2-0", 70008),
    ("step_up", "implement", "low", 26.0, "3-0-2-0", 70033),
    ("kb_deadlift", "implement", "medium", 833.0, "3-0-2-0", 70058),
])
def test_a_set_without_rests_longer_than_the_ring_keeps_the_rep_its_end_cut(kind, mount, noise, odr, tempo, seed):
    # 12 touch-and-go reps run past the ring's ~39 s of blocks. Its forced
    # close fell in a rep and the next segment began there, in motion: that
    # rep was lost (11 of 12, or fewer). The next segment now begins at the
    # last top the athlete stood still at, and the reps counted already are
    # not counted again. (benchmarks/accuracy.py's 12-rep sets, seed 0.)
    _assert_every_rep_found(kind, mount, noise, odr, tempo, 12, seed)


def test_a_kept_segment_and_a_long_one_after_it_are_not_analysed_past_the_ring():
    # A segment closed without a stroke though its travel moved (a 3.5 cm
    # dip) is kept and analysed again with the next (see the slow stroke
    # test above). Where the next ran on for most of the ring, 12 squats
    # without a rest, the two no longer fit in it: the analysis ran past the
    # ring's end (IndexError). Now the next is analysed on its own there.
    moves = [(4.0, 0), (1.0, -0.035), (1.0, 0.035), (0.6, 0)] + [(1.5, -0.4), (1.5, 0.4)] * 12 + [(4.0, 0)]
    events = run(Engine("strength", "waist", odr_hz=208), vertical_moves(208.0, moves))
    assert len([e for e in events if e.kind == "rep"]) == 12


@pytest.mark.parametrize("tempo", ["4-2-2", None])
def test_a_slow_lowerings_glide_at_constant_speed_does_not_close_its_segment(tempo):
    # 4 s lowerings of 40 cm that speed up over 1.2 s, glide at 0.14 m/s for
    # 1.6 s and slow down over 1.2 s, without noise: the glide reads 1 g, as
    # steady as rest, and the long rest (1.2 s) closed the segment in its
    # middle whatever the velocity said: no rep of 4. The velocity holds at
    # a peak it reached in that rest, early in the segment: not a rest.
    moves = [(3.0, 0)] + [(4.0, -0.4, 0.3), (2.0, 0), (2.0, 0.4), (1.0, 0)] * 4 + [(4.0, 0)]
    events = run(Engine("strength", "waist", tempo=tempo, odr_hz=208), vertical_moves(208.0, moves))
    reps = [e for e in events if e.kind == "rep"]
    assert len(reps) == 4
    for k, rep in enumerate(reps):
        # (the lowering's start, in s; its rise starts 6 s later. The start is
        # a 10 % crossing read as a minimum-jerk stroke's: 0.2 s early on one
        # that glides.)
        t0 = 3.0 + 9.0 * k
        assert abs(rep.start_us / 1e6 - t0) < 0.3 and abs(rep.rise_us / 1e6 - (t0 + 6.0)) < 0.1, rep


def test_a_slow_lowerings_glide_in_noise_is_not_a_rest():
    # The same on a bell at high noise (benchmarks/accuracy.py's set 3:215,
    # a 4-2-2 step-up: 0 of 5 before): a 4.5 s lowering was steady for 1.26 s
    # of its middle at 95 % of its peak velocity, and the close cut it in two.
    _assert_every_rep_found("step_up", "implement", "high", 208.0, "4-2-2", 5, 300224)


def test_the_first_and_last_of_reps_without_a_rest_keep_their_boundaries():
    # A goblet squat set at 3-0-2-0 without noise: the window's mean raised
    # the velocity before the first lowering (its window runs into the
    # rest before the set) into a rise that was not there, and the first
    # rep started 556 ms late, the last ended 302 ms early.
    got, labels = _generated_reps("squat", "implement", "none", 104.0, "3-0-2-0", 5, 70008)
    assert len(got) == 5
    for rep, truth in zip(got, labels["reps"]):
        for b in ("start", "bottom", "rise", "end"):
            assert abs(getattr(rep, b + "_us") - truth[b + "_us"]) <= 60000, (b, rep, truth)
