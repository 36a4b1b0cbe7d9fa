"""The whole virtual board (stand-in modules, clock, bus, IMU, OLED, buttons, buzzer, usb_cdc)
driven by a small probe firmware that uses the real Adafruit stack like the app does."""

import os
import pathlib

import pytest
import serial

from repclip.sim.board import VirtualBoard
from repclip.sim.screen import find_text, shows
from repclip.sim.trace_source import Trace, TraceSource

PROBE = pathlib.Path(__file__).parent / "probe_fw"
G = 9.80665


def board(tmp_path, **kw):
    return VirtualBoard(tmp_path / "flash", firmware_dir=PROBE, **kw)


def test_fifo_loses_no_samples_while_the_screen_updates(tmp_path):
    b = board(tmp_path)
    b.run(until_s=4.0)
    assert len(b.frames) >= 10  # the screen redrew many times (each refresh takes ~25 ms of bus time)
    assert b.imu.dropped == 0
    produced = b.imu.produced
    # Every accel word the sensor produced left the FIFO, except those produced after the last drain.
    accel_read = sum(1 for w in b.imu.delivered_indices)
    assert produced - accel_read <= len(b.imu.fifo) // 2 + 1
    assert accel_read >= int(208 * 3.0)
    # The count on the screen is the probe's own count of FIFO accel words at its last redraw.
    last = b.frames[-1][1]
    shown = [n for n in range(accel_read - 120, accel_read + 1) if find_text(last, "N%d" % n, scale=2)]
    assert len(shown) == 1 and accel_read - shown[0] < 0.3 * 208
    assert shows(last, "K0 OVR0")


def test_undrained_fifo_overflows(tmp_path):
    b = board(tmp_path, settings={"PROBE_DRAIN": "0"})
    b.run(until_s=4.0)
    assert len(b.imu.fifo) == b.imu.capacity
    assert b.imu.dropped == b.imu.produced * 2 - b.imu.capacity


def test_lsm6ds3trc_untagged_fifo(tmp_path):
    b = board(tmp_path, settings={"PROBE_IMU": "LSM6DS3TR-C"}, imu_variant="LSM6DS3TR-C")
    b.run(until_s=3.0)
    assert b.imu.dropped == 0 and len(b.imu.delivered_indices) >= int(208 * 2.0)
    assert b.imu.regs[0x0F] == 0x6A and "accel (0.0, 0.0, 9.80" in b.console_text


def test_missing_imu_shows_imu_not_found(tmp_path):
    b = board(tmp_path, imu_present=False)
    b.run(until_s=2.0)
    assert shows(b.frames[-1][1], "IMU not found")
    assert "No I2C device at address: 0x6a" in b.console_text


def test_imu_that_stops_answering_shows_an_error(tmp_path):
    b = board(tmp_path)
    b.at(2.0, lambda: setattr(b.imu, "failing", True))
    b.run(until_s=3.0)
    assert shows(b.frames[-1][1], "IMU error")
    assert "IMU stopped: [Errno 5]" in b.console_text


def test_buttons_keypad_events_and_buzzer(tmp_path):
    b = board(tmp_path)
    b.press(1.0, "B")
    b.press(1.5, "A", hold_ms=200)
    b.run(until_s=2.5)
    presses = [line for line in b.console_text.splitlines() if line.startswith("key")]
    assert [p.split()[1] for p in presses] == ["1", "0"]
    on = [(t, f) for t, is_on, f in b.buzzer if is_on]
    off = [t for t, is_on, f in b.buzzer if not is_on]
    assert len(on) == 2 and on[0][1] == 2000
    # Presses land at the firmware's next sleep; a screen refresh (~25 ms of bus time) can delay them.
    assert 1000 <= on[0][0] < 1040 and any(1700 <= t < 1760 for t in off)  # A held 200 ms
    stamps = [int(p.split()[-1]) for p in presses]
    assert 1000 <= stamps[0] < 1040 and 1500 <= stamps[1] < 1540  # keypad timestamps in ticks_ms
    assert shows(b.frames[-1][1], "K2 OVR0")


def test_runs_are_deterministic(tmp_path):
    a = board(tmp_path / "a")
    a.press(1.0, "B")
    a.run(until_s=2.0)
    b = board(tmp_path / "b")
    b.press(1.0, "B")
    b.run(until_s=2.0)
    assert a.frames == b.frames and a.console_text == b.console_text


def test_data_channel_pipe_and_pty(tmp_path):
    b = board(tmp_path)
    b.data_stream.host.write(b"hello")
    b.run(until_s=1.5)
    assert b.data_stream.host.read(100) == b"echo:hello"

    p = board(tmp_path / "pty", data="pty")
    host = serial.Serial(p.data_stream.port, 115200, timeout=1)
    try:
        host.write(b"ping")
        host.flush()
        p.run(until_s=1.5)
        assert host.read(9) == b"echo:ping"
    finally:
        host.close()
        p.data_stream.close()


def test_settings_toml_reaches_os_getenv_and_real_env_stays(tmp_path):
    import codecs
    import sys

    before = {n: sys.modules[n] for n in ("codecs", "time", "os")}
    b = board(tmp_path, settings={"REPCLIP_DISPLAY_HEIGHT": 32})
    b.run(until_s=1.0)
    assert {n: sys.modules[n] for n in before} == before and sys.modules["codecs"] is codecs
    assert "board" not in sys.modules or not hasattr(sys.modules["board"], "board_id")  # stand-ins removed
    assert b.oled.height == 32 and b.oled.mux == 31  # the driver patched its mux ratio for 32 rows
    assert os.getenv("PATH")  # os.getenv is restored after the run
    import time

    assert not hasattr(time, "__virtual_clock__")


def test_trace_plays_through_the_emulated_imu(tmp_path):
    rows = [(i * 4808, 0.0, 0.0, G if i % 2 else -G, 0.0, 0.0, 0.0) for i in range(416)]  # 208 Hz, 2 s
    src = TraceSource(Trace(rows), start_ns=1_000_000_000)
    b = board(tmp_path, trace_source=src)
    b.run(until_s=3.5)
    got = [i for i in b.imu.delivered_indices if i is not None]
    assert got == list(range(416))  # every trace row delivered once, in order, at the same ODR
