"""firmware/code.py, unchanged, on the virtual board: what the athlete sees and what the flash keeps
must match the engine on the same trace, and hardware faults must end cleanly."""

import pathlib
import shutil

import pytest

from fwtools import (hop_trace, need_engine, need_firmware, need_sessionlog, reference_events,
                     squat_trace)

from repclip.session import parse_session
from repclip.sim import simulate
from repclip.sim.scenario import idle_scenario
from repclip.sim.screen import find_text, shows
from repcore import record


def _reps(events):
    return [e for e in events if type(e).__name__ == "Rep"]


def _hops(events):
    return [e for e in events if type(e).__name__ == "Hop"]


def _one_session(result):
    assert len(result.session_ids) == 1, result.console
    sess = result.session(result.session_ids[0])
    assert sess is not None and sess.sets, result.console
    return sess


def _screen_before_stop(board):
    """The frame on the glass just before the set was stopped (the second press of the run)."""
    stop = [t for t, _, down in board.buttons.log if down][1]
    frames = [ram for t, ram in board.frames if t < stop]
    return frames[-1]


@pytest.mark.parametrize("imu_variant", ["LSM6DSOX", "LSM6DS3TR-C"])
def test_squat_set_screen_log_and_engine_agree(tmp_path, imu_variant):
    need_firmware()
    need_engine()
    trace = squat_trace(tmp_path)
    result = simulate(trace, tmp_path / "flash", exercise="goblet_squat", mode="strength", tempo="3-1-1",
                      rpe=7, discomfort=0, imu_variant=imu_variant)
    expected = _reps(reference_events(trace, "strength", "3-1-1"))
    assert expected, "the reference engine found no reps in the trace"
    assert len(_reps(result.events)) == len(expected)
    sess = _one_session(result)
    s = sess.sets[0]
    assert len(s.reps) == len(expected) and s.ended
    assert s.exercise == "goblet_squat" and s.rpe == 7 and s.discomfort == 0 and s.tempo == "3-1-1"
    # Pixel evidence: the screen at the stop press shows the count in the big scale-2 digits.
    board = result.board
    live = _screen_before_stop(board)
    assert find_text(live, str(len(expected)), scale=2) is not None
    assert find_text(live, str(len(expected) + 1), scale=2) is None
    assert shows(live, "REPS") and shows(live, "goblet squat")
    assert shows(board.frames[-1][1], "SAVED")  # the session summary after B held
    assert board.imu.dropped == 0  # the FIFO never overflowed while the screen updated


def test_hop_set_matches_the_engine(tmp_path):
    need_firmware()
    need_engine()
    trace = hop_trace(tmp_path)
    result = simulate(trace, tmp_path / "flash", exercise="pogo_hops", mode="hops")
    expected = _hops(reference_events(trace, "hops"))
    assert expected
    sess = _one_session(result)
    assert len(sess.sets[0].hops) == len(expected) == len(_hops(result.events))
    assert result.board.imu.dropped == 0
    live = _screen_before_stop(result.board)
    assert find_text(live, str(len(expected)), scale=2) is not None and shows(live, "HOPS")


def test_fifo_delivers_every_trace_sample(tmp_path):
    need_firmware()
    trace = squat_trace(tmp_path)
    result = simulate(trace, tmp_path / "flash", exercise="goblet_squat", mode="strength")
    imu = result.board.imu
    got = [i for i in imu.delivered_indices if i is not None]
    from repclip.sim.trace_source import load_trace

    n = len(load_trace(trace))
    assert imu.dropped == 0
    assert got == sorted(got) and set(got) == set(range(n))  # fed = trace, in order, nothing lost


def test_missing_imu_shows_imu_not_found(tmp_path):
    need_firmware()
    result = simulate(squat_trace(tmp_path), tmp_path / "flash", imu_present=False, scenario=idle_scenario(3.0))
    board = result.board
    assert board.frames and shows(board.frames[-1][1], "IMU not found", height=board.oled.height)


def test_imu_failing_mid_set_closes_the_set(tmp_path):
    need_firmware()
    need_sessionlog()
    trace = squat_trace(tmp_path)
    from repclip.sim.scenario import default_scenario

    def scenario(board, source, **kw):
        end = default_scenario(board, source, **kw)
        board.at(source.start_ns / 1e9 + 3.0, lambda: setattr(board.imu, "failing", True))
        return end

    result = simulate(trace, tmp_path / "flash", exercise="goblet_squat", mode="strength", scenario=scenario)
    board = result.board
    assert any(shows(ram, "IMU", height=board.oled.height) for _, ram in board.frames[-20:])
    assert result.session_ids, result.console
    data = result.session_bytes(result.session_ids[-1])
    records, tail = record.read_records(data)
    assert tail is None  # closed cleanly, no torn record
    types = [t for _, t, _ in records]
    assert record.SET_START in types and record.SET_END in types


def test_power_cut_at_every_byte_keeps_earlier_records(tmp_path):
    need_firmware()
    need_sessionlog()
    trace = squat_trace(tmp_path)
    result = simulate(trace, tmp_path / "flash", exercise="goblet_squat", mode="strength")
    sid = result.session_ids[0]
    src = next(pathlib.Path(result.flash_dir).rglob("S%08d*" % sid))
    data = src.read_bytes()
    full, _ = record.read_records(data)
    ends = [off + record.HEAD_LEN + len(p) + 2 for off, _, p in full]
    from repclip.sim.board import FIRMWARE_DIR
    import sys

    sys.path.insert(0, str(FIRMWARE_DIR / "lib"))
    try:
        from repclip_board.sessionlog import SessionLog
    finally:
        sys.path.remove(str(FIRMWARE_DIR / "lib"))
    cut_dir = tmp_path / "cut"
    shutil.copytree(result.flash_dir, cut_dir)
    target = cut_dir / src.relative_to(result.flash_dir)
    total_reps = len(parse_session(data).sets[0].reps)
    for k in range(len(data) + 1):
        target.write_bytes(data[:k])  # the power went off after k bytes reached the flash
        log = SessionLog(str(cut_dir))
        assert sid in log.session_ids()
        buf = bytearray(k)
        got = log.read_into(sid, 0, buf) if k else 0
        assert got == k and bytes(buf) == data[:k]
        recs, _ = record.read_records(bytes(buf))
        assert len(recs) == sum(1 for e in ends if e <= k)  # every record written before the cut
        if k in ends:
            sess = parse_session(bytes(buf))
            assert sum(len(s.reps) for s in sess.sets) <= total_reps


def test_full_flash_refuses_to_start(tmp_path):
    need_firmware()
    need_sessionlog()
    trace = squat_trace(tmp_path)
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "filler.bin").write_bytes(b"\xff" * (2 * 1024 * 1024 - 2048))  # 2 MB flash, ~2 kB left
    result = simulate(trace, flash, exercise="goblet_squat", mode="strength")
    board = result.board
    assert any(shows(ram, "full", height=board.oled.height) or shows(ram, "FULL", height=board.oled.height)
               for _, ram in board.frames)
    sessions = [result.session(s) for s in result.session_ids]
    assert all(not s.sets for s in sessions if s is not None)  # no set was recorded


def test_128x32_display(tmp_path):
    need_firmware()
    need_engine()
    trace = squat_trace(tmp_path)
    result = simulate(trace, tmp_path / "flash", exercise="goblet_squat", mode="strength", REPCLIP_DISPLAY_HEIGHT=32)
    board = result.board
    n = len(_reps(reference_events(trace, "strength", "3-1-1")))
    assert board.oled.height == 32 and board.oled.mux == 31  # the driver set a 1/32 mux
    assert find_text(_screen_before_stop(board), "%d REPS" % n, height=32) is not None


def test_a_held_at_boot_keeps_the_drive_for_editing(tmp_path):
    need_firmware()
    from repclip.sim.board import VirtualBoard

    board = VirtualBoard(tmp_path / "flash")
    board.buttons.set("A", True)  # held while boot.py runs
    board.at(0.5, lambda: board.buttons.set("A", False))
    board.press(1.0, "B")  # try to start a set
    board.run(until_s=3.0)
    assert board.flash_readonly  # boot.py did not remount: the computer keeps the drive
    assert any(shows(ram, "CANNOT RECORD", height=board.oled.height) for _, ram in board.frames)
    assert not list((tmp_path / "flash").glob("S*.rcl"))
    assert "button held" in board.console_text
