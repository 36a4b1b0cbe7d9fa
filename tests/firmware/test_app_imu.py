"""repclip_board.imu against the emulated LSM6DS register map: detection, FIFO draining, errors.

Uses the virtual board's chip model and I2C bus directly (no firmware run), so
every sample that leaves the FIFO can be compared with the trace it came from.
"""

import math
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "firmware" / "lib"))

from repclip.sim.clock import VirtualClock  # noqa: E402
from repclip.sim.i2c import VirtualI2C  # noqa: E402
from repclip.sim.lsm6ds import EmulatedLSM6DS  # noqa: E402
from repclip.sim.trace_source import Trace, TraceSource  # noqa: E402
from repclip_board.imu import Imu, ImuNotFound, ImuStopped  # noqa: E402
from repclip_board.recorder import RawRecorder  # noqa: E402
from repcore import record  # noqa: E402


def _rows(n, hz=208):
    out = []
    for i in range(n):
        t = i * 1_000_000 // hz
        out.append((t, 0.5 * math.sin(i / 10), -1.25, 9.81 + math.cos(i / 7), 0.01 * i % 2, -0.3, 0.7))
    return out


def _bus(variant, rows, address=0x6A, fifo_capacity=None):
    clock = VirtualClock()
    source = TraceSource(Trace(rows), start_ns=0)
    chip = EmulatedLSM6DS(clock, source, variant, fifo_capacity=fifo_capacity)
    return clock, chip, VirtualI2C(devices={address: chip}, clock=clock)


@pytest.mark.parametrize("variant", ["LSM6DSOX", "ISM330DHCX", "LSM6DS3TR-C", "LSM6DS33"])
def test_detects_and_drains_every_sample_in_order(variant):
    rows = _rows(2000)
    clock, chip, i2c = _bus(variant, rows)
    imu = Imu(i2c)
    assert imu.name == variant and imu.address == 0x6A
    imu.configure(208, 4, 1000)
    imu.start()
    got = []

    def handler(*s):
        got.append(s)

    for _ in range(40):  # 40 x 150 ms of virtual time, drained after each step like the app loop
        clock.advance(150_000_000)
        while imu.drain(handler):
            pass
    assert chip.dropped == 0
    assert len(got) == chip.produced > 1000
    assert [g[0] for g in got[:4]] == [0, 4807, 9615, 14423]  # integer us from the sample count
    # Every value matches the trace sample the chip emitted, to within one LSB.
    a_lsb = 0.122e-3 * 9.80665
    g_lsb = math.radians(35e-3)
    for s, idx in zip(got, chip.delivered_indices):
        row = rows[idx] if idx is not None else rows[-1]
        for k in range(3):
            assert abs(s[1 + k] - row[1 + k]) <= a_lsb
            assert abs(s[4 + k] - row[4 + k]) <= g_lsb


def test_hop_rate_and_range():
    clock, chip, i2c = _bus("LSM6DSOX", [(0, 0.0, 0.0, 80.0, 0.0, 0.0, 0.0), (2_000_000, 0.0, 0.0, 80.0, 0, 0, 0)])
    imu = Imu(i2c)
    imu.configure(416, 16, 2000)
    imu.start()
    clock.advance(1)  # the chip starts its sample grid at the next clock movement
    got = []
    for _ in range(10):  # the DSOX FIFO holds 219 pairs = 0.53 s at 416 Hz: drain every 100 ms
        clock.advance(100_000_000)
        while imu.drain(lambda *s: got.append(s)):
            pass
    assert chip.dropped == 0
    # Draining takes bus time, during which the chip keeps sampling: all of it arrives, in order.
    assert len(got) >= 416 and len(got) == chip.produced - len(chip.fifo) // 2
    assert [g[0] for g in got] == [i * 1_000_000 // 416 for i in range(len(got))]
    assert abs(got[5][3] - 80.0) < 0.01  # 8 g fits the 16 g range
    assert chip.regs[0x10] >> 4 == 6 and (chip.regs[0x10] >> 2) & 3 == 1  # 416 Hz, FS 16 g


def test_second_address_and_not_found():
    clock, chip, i2c = _bus("LSM6DSOX", _rows(10), address=0x6B)
    assert Imu(i2c).address == 0x6B
    empty = VirtualI2C(devices={}, clock=VirtualClock())
    with pytest.raises(ImuNotFound, match=r"IMU not found at I2C 0x6A or 0x6B\. Check the STEMMA QT cable"):
        Imu(empty)


def test_imu_that_stops_answering_raises_imu_stopped():
    clock, chip, i2c = _bus("LSM6DS3TR-C", _rows(500))
    imu = Imu(i2c)
    imu.configure(208, 4, 1000)
    imu.start()
    clock.advance(1)  # the chip starts its sample grid at the next clock movement
    clock.advance(100_000_000)
    chip.absent = True
    with pytest.raises(ImuStopped, match="IMU stopped answering"):
        imu.drain(lambda *s: None)


def test_overrun_is_counted():
    clock, chip, i2c = _bus("LSM6DSOX", _rows(2000), fifo_capacity=64)
    imu = Imu(i2c)
    imu.configure(208, 4, 1000)
    imu.start()
    clock.advance(1)  # the chip starts its sample grid at the next clock movement
    clock.advance(2_000_000_000)
    imu.drain(lambda *s: None)
    assert imu.overruns == 1 and chip.dropped > 0


def test_raw_recorder_matches_encode_samples():
    rows = _rows(130)
    out = []
    rec = RawRecorder(out.append, rows=60)
    rec.start(3)
    for r in rows:
        rec.add(*r)
    rec.flush()
    assert len(out) == 3 and rec.samples == 130
    assert out[0] == record.encode_samples(3, rows[0][0], rows[:60])
    assert out[2] == record.encode_samples(3, rows[120][0], rows[120:])
