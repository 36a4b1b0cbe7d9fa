"""The LSM6DS IMU: detection, set-up through the Adafruit driver, sampling through the FIFO.

Detection reads WHO_AM_I (0x0F) at 0x6A and 0x6B and picks the Adafruit driver
class (values from adafruit_lsm6ds and the ST datasheets):
    0x6C LSM6DSOX, 0x6B ISM330DHCX, 0x6A LSM6DS3TR-C, 0x69 LSM6DS33.
The driver sets ranges and output rates. adafruit_lsm6ds has no FIFO support,
so the FIFO is driven here through the driver's own adafruit_bus_device
I2CDevice:
    tagged FIFO (LSM6DSOX, ISM330DHCX): FIFO_CTRL3 0x09 = BDR_GY<<4 | BDR_XL,
        FIFO_CTRL4 0x0A = 6 (continuous); FIFO_STATUS1/2 0x3A/0x3B hold the word
        count (DIFF[9:0]) and OVR_IA (bit 6 of STATUS2); each word is the tag
        0x78 (TAG_SENSOR = bits 7:3: 1 gyro, 2 accel) and 6 data bytes 0x79-0x7E.
    untagged FIFO (LSM6DS3TR-C, LSM6DS33): FIFO_CTRL3 0x08 = no decimation for
        gyro and accel (0x09), FIFO_CTRL5 0x0A = ODR_FIFO<<3 | 6 (continuous);
        FIFO_STATUS1/2 count 16-bit words (DIFF[10:0]), OVER_RUN bit 6,
        FIFO_STATUS3/4 0x3C/0x3D the pattern index of the next word;
        words come gyro X, Y, Z, accel X, Y, Z from FIFO_DATA_OUT 0x3E/0x3F.
Bursts are read into one preallocated buffer; the address rolls back to the
first output register, so a burst can hold many words.

Sample time is integer microseconds from the sample count at the configured
rate (count * 1_000_000 // odr, computed per whole second so no intermediate
leaves the board's small-int range), reset at every start(): exact, no drift,
and below 2**30 for any set shorter than 17 minutes.
"""

from repcore.compat import const

_WHO_AM_I = const(0x0F)
_TAGGED_BDR = const(0x09)
_FIFO_MODE = const(0x0A)
_FIFO_STATUS1 = const(0x3A)
_FIFO_STATUS3 = const(0x3C)
_TAG_OUT = const(0x78)
_UNTAGGED_DEC = const(0x08)
_UNTAGGED_OUT = const(0x3E)
_CONTINUOUS = const(6)
_BURST_WORDS = const(32)  # tagged words (7 bytes) or untagged words (2 bytes) per I2C read
_G = 9.80665
_DEG = 0.017453292519943295

CHIPS = {
    0x6C: ("LSM6DSOX", "adafruit_lsm6ds.lsm6dsox", "LSM6DSOX", True),
    0x6B: ("ISM330DHCX", "adafruit_lsm6ds.ism330dhcx", "ISM330DHCX", True),
    0x6A: ("LSM6DS3TR-C", "adafruit_lsm6ds.lsm6ds3trc", "LSM6DS3TRC", False),
    0x69: ("LSM6DS33", "adafruit_lsm6ds.lsm6ds33", "LSM6DS33", False),
}
ADDRESSES = (0x6A, 0x6B)
# ODR register code by rate in Hz (same for CTRL1_XL/CTRL2_G, BDR_* and ODR_FIFO).
RATE_CODES = {26: 2, 52: 3, 104: 4, 208: 5, 416: 6, 833: 7}


class ImuError(Exception):
    """Base of IMU problems; str() is the text for the screen and the log."""


class ImuNotFound(ImuError):
    pass


class ImuStopped(ImuError):
    pass


def _probe(i2c, address):
    """WHO_AM_I at `address`, or None when nothing answers there."""
    from adafruit_bus_device.i2c_device import I2CDevice

    try:
        dev = I2CDevice(i2c, address)
        out = bytearray(1)
        with dev:
            dev.write_then_readinto(bytes((_WHO_AM_I,)), out)
        return out[0]
    except (OSError, ValueError, RuntimeError):
        return None


def detect(i2c, address=0):
    """(address, who_am_i) of the first known LSM6DS; raises ImuNotFound with what was seen."""
    addresses = (address,) if address else ADDRESSES
    seen = []
    for addr in addresses:
        who = _probe(i2c, addr)
        if who in CHIPS:
            return addr, who
        if who is not None:
            seen.append("0x%02X answers WHO_AM_I 0x%02X" % (addr, who))
    where = " or ".join("0x%02X" % a for a in addresses)
    detail = ("; " + ", ".join(seen) + " (not an LSM6DS)") if seen else ""
    raise ImuNotFound("IMU not found at I2C %s%s. Check the STEMMA QT cable and REPCLIP_I2C." % (where, detail))


class Imu:
    """One detected LSM6DS: configure(), start(), drain(handler) per loop, stop()."""

    def __init__(self, i2c, address=0):
        self.address, self.who_am_i = detect(i2c, address)
        self.name, module_name, class_name, self.tagged = CHIPS[self.who_am_i]
        module = __import__(module_name, None, None, (class_name,))
        try:
            self.sensor = getattr(module, class_name)(i2c, self.address)
        except (OSError, RuntimeError) as e:
            raise ImuNotFound("IMU %s at 0x%02X did not start: %s" % (self.name, self.address, e))
        self.device = self.sensor.i2c_device
        self._ranges = __import__("adafruit_lsm6ds", None, None, ("AccelRange", "GyroRange", "Rate"))
        self.odr = 0
        self.accel_scale = 0.0
        self.gyro_scale = 0.0
        self.count = 0  # samples delivered since start()
        self._sec = 0  # count = _sec * odr + _sub
        self._sub = 0
        self.overruns = 0
        self._buf = bytearray(7 * _BURST_WORDS)
        self._reg = bytearray(2)
        self._raw = [0, 0, 0, 0, 0, 0]  # gyro x y z, accel x y z of the sample being assembled
        self._slot = 0  # untagged: pattern index of the next word
        self._have_gyro = False

    # -- register access ---------------------------------------------------
    def _write(self, reg, value):
        self._reg[0] = reg
        self._reg[1] = value
        try:
            with self.device as dev:
                dev.write(self._reg)
        except OSError as e:
            raise ImuStopped("IMU stopped answering (I2C error %s)" % e)

    def _read(self, reg, n):
        self._reg[0] = reg
        try:
            with self.device as dev:
                dev.write_then_readinto(self._reg, self._buf, out_end=1, in_end=n)
        except OSError as e:
            raise ImuStopped("IMU stopped answering (I2C error %s)" % e)
        return self._buf

    # -- set-up --------------------------------------------------------------
    def configure(self, odr=208, accel_g=4, gyro_dps=1000):
        """Ranges and rates through the Adafruit driver; scales for the raw FIFO words."""
        if odr not in RATE_CODES:
            raise ValueError("IMU rate %r Hz: use one of %s" % (odr, sorted(RATE_CODES)))
        r = self._ranges
        try:
            accel = getattr(r.AccelRange, "RANGE_%dG" % accel_g)
            gyro = getattr(r.GyroRange, "RANGE_%d_DPS" % gyro_dps)
        except AttributeError:
            raise ValueError("IMU range %s g / %s dps is not offered by the %s" % (accel_g, gyro_dps, self.name))
        rate = getattr(r.Rate, "RATE_%d_HZ" % odr)
        try:
            self.sensor.accelerometer_range = accel
            self.sensor.gyro_range = gyro
            self.sensor.accelerometer_data_rate = rate
            self.sensor.gyro_data_rate = rate
        except OSError as e:
            raise ImuStopped("IMU stopped answering (I2C error %s)" % e)
        self.odr = odr
        self.accel_scale = r.AccelRange.lsb[accel] * 0.001 * _G  # m/s^2 per LSB
        self.gyro_scale = r.GyroRange.lsb[gyro] * 0.001 * _DEG  # rad/s per LSB

    def start(self):
        """Empty the FIFO and start batching both sensors at the configured rate; time restarts at 0."""
        code = RATE_CODES[self.odr]
        self._write(_FIFO_MODE, 0)  # bypass empties it
        if self.tagged:
            self._write(_TAGGED_BDR, (code << 4) | code)
            self._write(_FIFO_MODE, _CONTINUOUS)
        else:
            self._write(_UNTAGGED_DEC, 0x09)  # gyro and accel, no decimation
            self._write(_FIFO_MODE, (code << 3) | _CONTINUOUS)
        self.count = 0
        self._sec = 0
        self._sub = 0
        self.overruns = 0
        self._slot = 0
        self._have_gyro = False

    def stop(self):
        self._write(_FIFO_MODE, 0)

    # -- sampling --------------------------------------------------------------
    def _status(self):
        """(unread words, overrun) from FIFO_STATUS1/2."""
        b = self._read(_FIFO_STATUS1, 2)
        if self.tagged:
            return b[0] | ((b[1] & 0x03) << 8), bool(b[1] & 0x40)
        return b[0] | ((b[1] & 0x0F) << 8), bool(b[1] & 0x40)

    def drain(self, handler, limit=512):
        """Read what the FIFO holds and call handler(t_us, ax, ay, az, gx, gy, gz) per sample.

        Returns the number of samples delivered. Raises ImuStopped on a bus error.
        At most `limit` words are read per call so the screen and buttons keep up.
        """
        words, overrun = self._status()
        if overrun:
            self.overruns += 1
        if words > limit:
            words = limit
        if self.tagged:
            return self._drain_tagged(handler, words)
        if words and self._slot == 0 and not self.count:
            b = self._read(_FIFO_STATUS3, 2)
            self._slot = (b[0] | (b[1] << 8)) % 6
        return self._drain_untagged(handler, words)

    def _emit(self, handler):
        raw = self._raw
        a = self.accel_scale
        g = self.gyro_scale
        # sec * 1e6 + sub * 1e6 // odr: every intermediate stays a small int on the board
        # (count * 1e6 would pass 2**30 after 5 s and allocate a long int per sample).
        t = self._sec * 1000000 + self._sub * 1000000 // self.odr
        self.count += 1
        self._sub += 1
        if self._sub == self.odr:
            self._sub = 0
            self._sec += 1
        handler(t, raw[3] * a, raw[4] * a, raw[5] * a, raw[0] * g, raw[1] * g, raw[2] * g)

    def _drain_tagged(self, handler, words):
        done = 0
        raw = self._raw
        while words > 0:
            n = words if words < _BURST_WORDS else _BURST_WORDS
            buf = self._read(_TAG_OUT, 7 * n)
            for w in range(n):
                o = 7 * w
                tag = buf[o] >> 3
                if tag == 1:
                    k = 0
                elif tag == 2:
                    k = 3
                else:
                    continue  # temperature, timestamp or an empty slot
                for i in range(3):
                    v = buf[o + 1 + 2 * i] | (buf[o + 2 + 2 * i] << 8)
                    raw[k + i] = v - 65536 if v > 32767 else v
                if k == 3:
                    self._emit(handler)
                    done += 1
            words -= n
        return done

    def _drain_untagged(self, handler, words):
        done = 0
        raw = self._raw
        while words > 0:
            n = words if words < _BURST_WORDS else _BURST_WORDS
            buf = self._read(_UNTAGGED_OUT, 2 * n)
            for w in range(n):
                v = buf[2 * w] | (buf[2 * w + 1] << 8)
                raw[self._slot] = v - 65536 if v > 32767 else v
                self._slot += 1
                if self._slot == 6:
                    self._slot = 0
                    self._emit(handler)
                    done += 1
            words -= n
        return done
