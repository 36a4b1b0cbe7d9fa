"""The virtual board's emulated devices against the real Adafruit drivers and the datasheet maps."""

import errno
import math
import struct

import pytest

from repclip.sim.clock import SimStop, VirtualClock
from repclip.sim.i2c import VirtualI2C
from repclip.sim.lsm6ds import EmulatedLSM6DS
from repclip.sim.ssd1306 import EmulatedSSD1306, ram_to_rows
from repclip.sim.trace_source import Trace, TraceSource

G = 9.80665


class Constant:
    def __init__(self, values):
        self.values = values

    def sample(self, t_ns):
        return self.values, None


def rig(variant="LSM6DSOX", values=(1.0, -2.0, G, 0.5, -0.25, 0.125), capacity=None):
    clock = VirtualClock()
    imu = EmulatedLSM6DS(clock, Constant(values), variant, fifo_capacity=capacity)
    bus = VirtualI2C(devices={0x6A: imu}, clock=clock, frequency=400_000, bus_time=False)  # exact counts
    return clock, imu, bus


@pytest.fixture
def virtual_driver_sleep(monkeypatch):
    import sys
    import types

    # The driver imports busio only for type hints; keep Blinka's board detection out of it.
    if "adafruit_lsm6ds" not in sys.modules:
        from repclip.sim.stubs import make_busio

        monkeypatch.setitem(sys.modules, "busio", make_busio(types.SimpleNamespace(i2c_devices={}, clock=None)))
    import adafruit_lsm6ds

    clock_box = {}

    def sleep(s):
        clock_box["clock"].sleep(s)

    monkeypatch.setattr(adafruit_lsm6ds, "sleep", sleep)
    return clock_box


def test_bus_lock_semantics():
    bus = VirtualI2C(devices={})
    assert bus.try_lock() is True
    assert bus.try_lock() is False  # busdisplay relies on this: an always-granting bus hangs it
    bus.unlock()
    with pytest.raises(RuntimeError, match="requires lock"):
        bus.writeto(0x3C, b"\x00")
    assert bus.try_lock()
    with pytest.raises(OSError) as err:
        bus.writeto(0x6A, b"\x0f")
    assert err.value.errno == errno.ENODEV
    assert bus.scan() == []


@pytest.mark.parametrize("variant,module,cls", [
    ("LSM6DSOX", "adafruit_lsm6ds.lsm6dsox", "LSM6DSOX"),
    ("LSM6DS3TR-C", "adafruit_lsm6ds.lsm6ds3trc", "LSM6DS3TRC"),
    ("ISM330DHCX", "adafruit_lsm6ds.ism330dhcx", "ISM330DHCX"),
])
def test_real_driver_reads_the_emulated_sensor(variant, module, cls, virtual_driver_sleep):
    import importlib

    from adafruit_lsm6ds import AccelRange, GyroRange, Rate

    clock, imu, bus = rig(variant)
    virtual_driver_sleep["clock"] = clock
    driver = getattr(importlib.import_module(module), cls)(bus, 0x6A)
    # The driver's defaults land in the registers: 104 Hz, 4 g, 250 dps, BDU.
    assert imu.regs[0x10] >> 4 == 4 and (imu.regs[0x10] >> 2) & 3 == 2
    assert imu.regs[0x12] & 0x40
    ax, ay, az = driver.acceleration
    lsb = 0.122e-3 * G
    assert abs(ax - 1.0) <= lsb and abs(ay + 2.0) <= lsb and abs(az - G) <= lsb
    gx, gy, gz = driver.gyro
    glsb = math.radians(8.75e-3)
    assert abs(gx - 0.5) <= glsb and abs(gy + 0.25) <= glsb and abs(gz - 0.125) <= glsb
    driver.accelerometer_range = AccelRange.RANGE_16G
    driver.gyro_range = GyroRange.RANGE_2000_DPS
    driver.accelerometer_data_rate = Rate.RATE_416_HZ
    assert (imu.regs[0x10] >> 2) & 3 == 1 and imu.regs[0x10] >> 4 == 6
    raw = struct.unpack("<hhh", bytes(imu._read_reg(0x28 + i) for i in range(6)))
    assert raw[2] == round(G / (0.488e-3 * G))
    assert abs(driver.acceleration[2] - G) <= 0.488e-3 * G


def test_driver_refuses_the_wrong_chip_and_a_missing_one(virtual_driver_sleep):
    from adafruit_lsm6ds.lsm6dsox import LSM6DSOX

    clock, imu, bus = rig("LSM6DS3TR-C")
    virtual_driver_sleep["clock"] = clock
    with pytest.raises(RuntimeError, match="Failed to find LSM6DSOX"):
        LSM6DSOX(bus, 0x6A)
    imu.absent = True
    with pytest.raises(ValueError, match="No I2C device at address: 0x6a"):
        LSM6DSOX(bus, 0x6A)


def _write(bus, reg, value):
    bus.try_lock()
    bus.writeto(0x6A, bytes([reg, value]))
    bus.unlock()


def _read(bus, reg, n):
    buf = bytearray(n)
    bus.try_lock()
    bus.writeto_then_readfrom(0x6A, bytes([reg]), buf)
    bus.unlock()
    return bytes(buf)


def test_tagged_fifo_fills_at_the_batch_rate_and_overflows():
    clock, imu, bus = rig("LSM6DSOX", capacity=100)
    _write(bus, 0x10, 0x5C)  # 208 Hz, 8 g
    _write(bus, 0x11, 0x50)  # 208 Hz, 250 dps
    _write(bus, 0x09, 0x55)  # BDR 208 Hz both
    _write(bus, 0x0A, 0x06)  # continuous
    clock.advance(100_000_000)  # 0.1 s -> 20 sample sets = 40 tagged words
    st = _read(bus, 0x3A, 2)
    n = st[0] | ((st[1] & 3) << 8)
    assert n == 2 * int(0.1 * 208) and not st[1] & 0x40
    words = _read(bus, 0x78, 7 * 4)  # burst read rolls back to the tag: 4 whole words
    tags = [words[i * 7] >> 3 for i in range(4)]
    assert tags == [1, 2, 1, 2]
    z = struct.unpack_from("<h", words, 7 + 5)[0]
    assert z == round(G / (0.244e-3 * G))
    assert _read(bus, 0x3A, 1)[0] == n - 4
    clock.advance(1_000_000_000)  # far more than 100 words
    st = _read(bus, 0x3A, 2)
    assert st[1] & 0x40 and st[1] & 0x20  # overrun + full
    assert imu.dropped > 0 and len(imu.fifo) == 100
    _write(bus, 0x0A, 0x00)  # bypass empties and clears
    assert _read(bus, 0x3A, 2) == b"\x00\x00"


def test_untagged_fifo_pattern_gyro_then_accel():
    clock, imu, bus = rig("LSM6DS3TR-C")
    _write(bus, 0x10, 0x50)  # 208 Hz 2 g
    _write(bus, 0x11, 0x50)
    _write(bus, 0x08, 0x09)  # no decimation, both in FIFO
    _write(bus, 0x0A, (5 << 3) | 1)  # ODR_FIFO 208 Hz, FIFO mode (stops when full)
    clock.advance(50_000_000)
    st = _read(bus, 0x3A, 4)
    n = st[0] | ((st[1] & 7) << 8)
    assert n == 6 * int(0.05 * 208)
    assert st[2] | (st[3] << 8) == 0  # pattern: next word is gyro X
    words = struct.unpack("<6h", _read(bus, 0x3E, 12))
    glsb = math.radians(8.75e-3)
    assert words[:3] == (round(0.5 / glsb), round(-0.25 / glsb), round(0.125 / glsb))
    alsb = 0.061e-3 * G
    assert words[3:] == (round(1.0 / alsb), round(-2.0 / alsb), round(G / alsb))
    _read(bus, 0x3E, 2)
    st = _read(bus, 0x3A, 4)
    assert st[2] == 1  # gyro Y comes next


def test_trace_source_plays_every_row_in_order():
    rows = [(1000 + i * 10_000, float(i), 0.0, G, 0.0, 0.0, 0.0) for i in range(100)]  # 100 Hz
    clock = VirtualClock()
    src = TraceSource(Trace(rows), start_ns=500_000_000)
    imu = EmulatedLSM6DS(clock, src, "LSM6DSOX")
    bus = VirtualI2C(devices={0x6A: imu}, clock=clock)
    _write(bus, 0x10, 0x50)
    _write(bus, 0x09, 0x05)  # accel only, 208 Hz
    _write(bus, 0x0A, 0x06)
    for _ in range(30):
        clock.advance(60_000_000)
        n = _read(bus, 0x3A, 2)[0]
        if n:
            _read(bus, 0x78, 7 * n)
    got = [i for i in imu.delivered_indices if i is not None]
    assert got == sorted(got)
    assert set(got) == set(range(100))  # 208 Hz over a 100 Hz trace: every row seen


def test_ssd1306_decodes_horizontal_mode_writes():
    oled = EmulatedSSD1306()
    bus = VirtualI2C(devices={0x3C: oled})
    bus.try_lock()
    for cmd in (0xAE, 0x20, 0x00, 0xAF):
        bus.writeto(0x3C, bytes([0x80, cmd]))
    bus.writeto(0x3C, bytes([0x00, 0x21, 10, 11, 0x22, 2, 3]))  # 2x2 window, Co=0 stream
    bus.writeto(0x3C, bytes([0x40, 0x01, 0x80, 0xFF, 0x00]))
    rows = ram_to_rows(oled.ram)
    assert oled.display_on
    assert rows[16][10] == 1 and rows[23][11] == 1 and rows[17][10] == 0
    assert all(rows[y][10] == 1 for y in range(24, 32)) and all(rows[y][11] == 0 for y in range(24, 32))


def test_clock_stops_only_from_sleep():
    clock = VirtualClock()
    clock.stop_at_ns = 1_000_000
    clock.advance(5_000_000, may_stop=False)  # a bus transfer never ends the run
    with pytest.raises(SimStop):
        clock.sleep(0.001)
    assert issubclass(SimStop, BaseException) and not issubclass(SimStop, Exception)


def test_virtual_time_belongs_to_the_board_thread():
    import threading
    import time as real

    from repclip.sim.clock import make_time_module

    clock = VirtualClock()
    vt = make_time_module(clock)
    vt.sleep(2.5)
    assert vt.monotonic() == 2.5 and vt.time() == 946_684_800 + 2
    seen = {}

    def other():
        vt.sleep(0.001)  # a host thread: real sleep, the board's clock does not move
        seen["mono"] = vt.monotonic()

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert clock.ns == 2_500_000_000 and abs(seen["mono"] - real.monotonic()) < 5
