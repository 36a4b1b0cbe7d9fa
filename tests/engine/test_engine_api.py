"""The Engine contract others code against: arguments, clock handling, finish/reset."""

import pytest

from engine_signals import G, hops, run, squats
from repcore.engine import Engine, EngineError


def test_bad_settings_say_what_and_how():
    with pytest.raises(EngineError, match="mode 'run'.*strength, hops"):
        Engine(mode="run")
    with pytest.raises(EngineError, match="mount 'ankle'.*waist, thigh, implement"):
        Engine(mount="ankle")
    with pytest.raises(EngineError, match="odr_hz"):
        Engine(odr_hz=0)
    with pytest.raises(ValueError, match="tempo"):
        Engine(tempo="3-1")


def test_finish_flushes_then_returns_none():
    rows, _ = squats(104, reps=2, top_s=1.0)
    rows = rows[:-60]  # stream ends soon after the last rep
    eng = Engine(mode="strength", mount="waist")
    events = [e for e in (eng.feed(*r) for r in rows) if e is not None]
    while True:
        e = eng.finish()
        if e is None:
            break
        events.append(e)
    assert len(events) == 2
    assert eng.finish() is None and eng.count == 2


def test_backwards_and_duplicate_timestamps_are_skipped():
    rows, _ = hops(104, count=3)
    noisy = []
    for i, r in enumerate(rows):
        noisy.append(r)
        if i % 50 == 0:
            noisy.append(r)  # duplicate
            noisy.append((r[0] - 30000,) + r[1:])  # goes back in time
    assert [e.to_dict() for e in run(Engine(mode="hops"), noisy)] == \
        [e.to_dict() for e in run(Engine(mode="hops"), rows)]


def test_timestamp_jitter_does_not_matter():
    rows, truth = hops(208, count=4, noise=0.0)
    jittered = [(r[0] + (i * 7919) % 1200 - 600,) + r[1:] for i, r in enumerate(rows)]
    a = run(Engine(mode="hops"), jittered)
    assert len(a) == 4
    for e, (to, td) in zip(a, truth):
        assert abs(e.takeoff_us - to) < 7000 and abs(e.touchdown_us - td) < 7000


@pytest.mark.parametrize("hz,samples", [(52, 2), (104, 4), (208, 8), (416, 16), (833, 32)])
def test_a_blocks_samples_do_not_depend_on_the_parts_clock(hz, samples):
    # A sensor's rate is off the one it was set to by its part's oscillator
    # (the LSM6DSOX's by a percent or two). Blocks of 38.5 ms measured on the
    # clock took 8 samples at 208 Hz only where it ran fast: 0.1 % slow took
    # 7 (14 % more blocks a sample: +3,700 fuel, over the board's budget at
    # the thigh), and 52 Hz took 1. The board knows the rate it set: with
    # it, up to 3 % slow or fast, the same count.
    for err in (-0.03, -0.01, -0.001, 0.0, 0.001, 0.005, 0.01, 0.03):
        period = 1e6 / hz * (1.0 + err)
        eng = Engine(mode="strength", mount="waist", odr_hz=hz)
        for i in range(200):
            eng.feed(int(i * period), 0.0, 0.0, G)
        assert eng.stream.decim == samples, (hz, err, eng.stream.period_us)


def test_gyro_is_optional_and_integer_time_is_kept():
    rows, _ = squats(104, reps=2)
    eng = Engine(mode="strength", mount="waist")
    events = [e for e in (eng.feed(t, ax, ay, az) for t, ax, ay, az, *_ in rows) if e]
    events += [e for e in iter(eng.finish, None)]
    assert len(events) == 2
    for e in events:
        for name in ("start_us", "bottom_us", "rise_us", "end_us"):
            assert isinstance(getattr(e, name), int)


def test_memory_does_not_grow_with_the_stream():
    eng = Engine(mode="strength", mount="waist")
    for i in range(20000):
        eng.feed(i * 4808, 0.0, 0.0, G)
    sizes = len(vars(eng.det))
    for i in range(20000, 40000):
        eng.feed(i * 4808, 0.0, 0.0, G)
    assert len(vars(eng.det)) == sizes and eng.det.out == []
