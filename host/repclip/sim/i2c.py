"""Stand-in for busio.I2C: a bus of emulated register devices with real lock semantics.

busdisplay's constructor loops `while not bus.try_lock()`-style on its transaction
start, and adafruit_bus_device spins on try_lock(), so the bus must grant the lock
to one holder at a time exactly like the CircuitPython one: try_lock() is False
while locked. Transfers without holding the lock raise, as on the board.

Devices are objects with `write(data)` (one write transaction; the first byte is
usually a register address) and `read(n)` (a read transaction). A device that is
`absent` does not ACK (OSError ENODEV, what CircuitPython raises); one that is
`failing` raises OSError EIO mid-run (a loose cable or a brown-out).
"""

import errno


class I2CDeviceModel:
    """Base for emulated devices; subclasses implement write() and read()."""

    absent = False
    failing = False

    def check(self):
        if self.absent:
            raise OSError(errno.ENODEV, "No such device")
        if self.failing:
            raise OSError(errno.EIO, "Input/output error")

    def write(self, data):  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, n):  # pragma: no cover - interface
        raise NotImplementedError


class VirtualI2C:
    """busio.I2C look-alike. `devices` maps 7-bit address -> I2CDeviceModel."""

    def __init__(self, scl=None, sda=None, *, frequency=100000, timeout=255, devices=None, clock=None,
                 bus_time=True):
        self.clock = clock  # a VirtualClock
        self.bus_time = bus_time  # transfers take bus time on the clock (the IMU keeps sampling meanwhile)
        self.scl = scl
        self.sda = sda
        self.frequency = frequency
        self.devices = devices if devices is not None else {}
        self._locked = False
        self._deinited = False
        self.transfers = 0  # counters for tests / benchmarks
        self.bytes_moved = 0

    # -- locking -------------------------------------------------------
    def try_lock(self):
        self._check_alive()
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self):
        self._locked = False

    @property
    def locked(self):
        return self._locked

    def _check_alive(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used. Create a new object.")

    def _check_locked(self):
        self._check_alive()
        if not self._locked:
            raise RuntimeError("Function requires lock")

    def deinit(self):
        self._deinited = True
        self._locked = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.deinit()

    # -- transfers -----------------------------------------------------
    def _charge(self, nbytes):
        # ~9 clocks per byte plus start/address/stop; 1024 display bytes at 400 kHz take ~23 ms.
        if self.bus_time and self.clock is not None:
            self.clock.advance((nbytes + 2) * 9 * 1_000_000_000 // self.frequency, may_stop=False)

    def _device(self, address):
        dev = self.devices.get(address)
        if dev is None:
            raise OSError(errno.ENODEV, "No such device")
        dev.check()
        return dev

    def scan(self):
        self._check_locked()
        return sorted(a for a, d in self.devices.items() if not d.absent)

    def writeto(self, address, buffer, *, start=0, end=None):
        self._check_locked()
        dev = self._device(address)
        data = bytes(memoryview(buffer)[start:end])
        self.transfers += 1
        self.bytes_moved += len(data)
        self._charge(len(data))
        if data:
            dev.write(data)

    def readfrom_into(self, address, buffer, *, start=0, end=None):
        self._check_locked()
        dev = self._device(address)
        view = memoryview(buffer)[start:end]
        self._charge(len(view))
        view[:] = dev.read(len(view))
        self.transfers += 1
        self.bytes_moved += len(view)

    def writeto_then_readfrom(self, address, buffer_out, buffer_in, *, out_start=0, out_end=None,
                              in_start=0, in_end=None):
        self._check_locked()
        dev = self._device(address)
        out = bytes(memoryview(buffer_out)[out_start:out_end])
        view = memoryview(buffer_in)[in_start:in_end]
        # Time passes first: what is read is the chip's state when the transfer ends.
        self._charge(len(out) + len(view) + 1)
        if out:
            dev.write(out)
        view[:] = dev.read(len(view))
        self.transfers += 1
        self.bytes_moved += len(out) + len(view)
