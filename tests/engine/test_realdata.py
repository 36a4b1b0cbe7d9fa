"""The engine on real recordings nobody here made (../shared/realdata, read in place).

Truth is what the recordings carry: rep counts by protocol (MetaMotion
barbell sets on the wrist, 25 Hz, treated as the implement mount) and the
source's own per-rep segments (CMU pelvis and thigh sensors at 100 Hz, with
the samples between reps missing: a stream full of gaps). Constants are not
tuned to single files; these tolerances are what the engine honestly does
today, and the per-file numbers are printed by benchmarks/accuracy.py and
written down in docs/engine.md.
"""

import pytest

from conftest import load_benchmark

_CACHE = {}


@pytest.fixture
def rows(realdata):
    # Every file is replayed once per session, whichever test asks first.
    key = str(realdata)
    if key not in _CACHE:
        _CACHE[key] = load_benchmark("accuracy").realdata_rows(realdata)
    assert _CACHE[key], "no traces found in %s" % realdata
    return _CACHE[key]


def _table(rows):
    return "\n".join("%-60s %-8s %-9s truth %2d got %2d" % r for r in rows)


def test_metamotion_barbell_sets_count_within_two_and_mostly_exact(rows):
    mm = [r for r in rows if r[0].startswith("metamotion")]
    assert len(mm) >= 10
    exact = sum(1 for r in mm if r[3] == r[4])
    # Counts never exceed the truth by more than one (no phantom reps from
    # re-racking the bar) and are exact on at least half the sets.
    assert all(r[4] - r[3] <= 1 for r in mm), _table(mm)
    assert exact * 2 >= len(mm), _table(mm)


def test_cmu_squats_count_exactly_despite_the_gaps(rows):
    sq = [r for r in rows if r[0].startswith("cmu/cmu_Sq")]
    assert len(sq) >= 4
    assert sum(1 for r in sq if r[3] == r[4]) >= 3, _table(sq)
    assert all(abs(r[3] - r[4]) <= 1 for r in sq), _table(sq)


def test_cmu_thigh_lifts_count_within_one(rows):
    # Squats, split squats and lunges from the thigh's angle (step-ups are a
    # known gap: there the thigh swings out and back twice per rep).
    th = [r for r in rows if r[0].startswith("cmu/") and r[2] == "thigh" and r[1] == "strength"
          and "StepUp" not in r[0]]
    assert len(th) >= 4
    assert all(abs(r[3] - r[4]) <= 1 for r in th), _table(th)


@pytest.mark.parametrize("tempo", ["3-1-1", "2-0-1", "4-2-2"])
def test_cmu_squats_at_the_thigh_count_the_same_under_a_tempo_target(realdata, tempo):
    # A tempo target turns on stricter likeness between a set's reps (stroke
    # times, rhythm: docs/engine.md). Real reps keep their rhythm less well
    # than generated ones: checking every rep's rhythm against the set's lost
    # a half squat here (5 -> 4); only a rep far from the set is checked now.
    rows = load_benchmark("accuracy").realdata_rows(realdata, tempo=tempo, only="cmu/cmu_Sq")
    th = [r for r in rows if r[2] == "thigh"]
    assert len(th) >= 2
    assert all(r[3] == r[4] for r in th), _table(th)


@pytest.mark.parametrize("tempo", ["2-0-1", "4-2-2"])
def test_metamotion_barbell_sets_count_as_well_under_a_tempo_they_were_not_lifted_to(realdata, tempo):
    # Reps without a rest between them are detrended over one rep's time: the
    # tempo's first, then the reps' own where they measure 30 % off it. These
    # were lifted at the athletes' own pace (~3-4 s a rep): over the 9 s a
    # 4-2-2 rep takes, without falling back to the reps' pace, 16 of the 18
    # sets miscounted (two heavy squat sets 0 of 5).
    rows = load_benchmark("accuracy").realdata_rows(realdata, tempo=tempo, only="metamotion")
    assert len(rows) >= 10
    assert all(r[4] - r[3] <= 1 for r in rows), _table(rows)
    assert sum(1 for r in rows if r[3] == r[4]) * 2 >= len(rows), _table(rows)


def test_cmu_jumps_are_found_and_none_invented(rows):
    jumps = [r for r in rows if r[1] == "hops"]
    assert jumps
    # Every reported jump is a real one (never more than the truth) ...
    assert all(r[4] <= r[3] for r in jumps), _table(jumps)
    # ... and the pelvis sensor finds the counter-movement jumps. (The drop-jump
    # segments end at the rebound's take-off: only the drops, which are no
    # hops, are in the data.)
    cmj = [r for r in jumps if "CMJ" in r[0] and "waist" in r[0]]
    assert cmj and all(r[3] == r[4] for r in cmj), _table(jumps)


def test_no_recording_makes_more_than_one_phantom_event(rows):
    assert all(r[4] - r[3] <= 1 for r in rows), _table(rows)


def test_cmu_squat_reps_start_and_end_near_the_sources_segments(realdata):
    # The source cut each rep itself (its segments: tighter than rest to
    # rest, so the engine's reps start earlier and end later). Timing strokes
    # from their 25 % and 75 % crossings instead of 10 % and 90 %, under the
    # minimum-jerk shape, moved these boundaries out from 97.5 to 133.5 ms
    # at the median: real strokes are not quite minimum-jerk, and the
    # further the extrapolation, the more that shows (generated ones are).
    import glob
    import statistics
    from repclip.replay import run_engine
    from repclip.traces import read_labels, read_trace
    errs = []
    for path in sorted(glob.glob(str(realdata / "cmu" / "cmu_*Sq*.csv"))):
        tr = read_trace(path)
        segments = read_labels(path)["segments"]
        reps, _ = run_engine(tr.samples, "strength", tr.meta.get("mount"), None, odr_hz=tr.set_odr_hz,
                             exercise=tr.meta.get("exercise"))
        for sg in segments:
            r = [r for r in reps if r.start_us < sg["end_us"] and sg["start_us"] < r.end_us]
            if r:  # (a half squat at the pelvis counts 4 of 5: test_cmu_squats_count_exactly...)
                errs += [abs(r[0].start_us - sg["start_us"]) / 1000.0, abs(r[0].end_us - sg["end_us"]) / 1000.0]
    assert len(errs) >= 50
    assert statistics.median(errs) <= 110.0, sorted(errs)
