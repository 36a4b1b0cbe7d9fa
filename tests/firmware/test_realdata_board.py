"""Real recordings (../shared/realdata) through the firmware on the virtual board vs the engine alone.

The board samples at its own rate (208 Hz) from traces recorded at 25 Hz, holding
each row until the next, so the engine sees a different stream than when fed
the rows directly: counts may differ by one on borderline reps, never by more.
Where the recording itself has a hole (a second or more without rows, as
metamotion_A_dead_medium_2019-01-11T172424832 has at 25.6-27.8 s), the engine
fed the rows sees a gap and closes the movement there, while the board holds
the last row for the whole hole, a frozen mid-rep reading no real sensor
gives: there the two may differ by two. Exactly equal on at least two thirds.
"""

import json
import pathlib

from fwtools import need_engine, need_firmware, reference_events

from repclip.sim import simulate
from repclip.sim.trace_source import load_trace


def test_metamotion_sets_count_the_same_on_the_board(realdata, tmp_path):
    need_firmware()
    need_engine()
    files = sorted((realdata / "metamotion").glob("*.csv"))[:12]
    assert files
    same = 0
    for i, f in enumerate(files):
        trace = load_trace(f)
        mode = trace.meta.get("mode", "strength")
        ref = len(reference_events(f, mode, "3-1-1" if mode == "strength" else None))
        result = simulate(f, tmp_path / ("flash%d" % i))
        sess = result.session(result.session_ids[0])
        got = sum(len(s.reps) + len(s.hops) for s in sess.sets)
        hole = max(b[0] - a[0] for a, b in zip(trace.rows, trace.rows[1:])) >= 1000000
        assert abs(got - ref) <= (2 if hole else 1), (f.name, got, ref, hole)
        assert result.board.imu.dropped == 0
        assert sess.sets[0].mount == trace.meta["mount"]  # the board was worn like the recording
        same += got == ref
    # Exactly the same on two thirds: on these continuous barbell sets several
    # reps are borderline for the engine (docs/engine.md, real recordings), so
    # the board's 208 Hz staircase of the 25 Hz rows tips some of them.
    assert same * 3 >= len(files) * 2, same
