"""Emulated ST LSM6DS IMUs (LSM6DSOX / ISM330DHCX tagged FIFO, LSM6DS3TR-C / LSM6DS33 untagged FIFO).

A register map good enough for the real adafruit_lsm6ds driver (WHO_AM_I, software
reset, CTRL1_XL/CTRL2_G ranges and rates, BDU, OUTX/OUTY/OUTZ, temperature) and
for the firmware's own FIFO code. Samples come from a `source` (see trace_source)
and are produced at the configured rate as the virtual clock moves, so a slow
screen refresh fills the FIFO instead of losing data; a FIFO that is not drained
overflows and raises its status flag, as the chip does.

Register facts (ST datasheets DocID 13xxx / ST's lsm6dsox_reg.h, lsm6ds3tr_c_reg.h):
    WHO_AM_I 0x0F: LSM6DSOX 0x6C, ISM330DHCX 0x6B, LSM6DS3TR-C 0x6A, LSM6DS33 0x69
    CTRL1_XL 0x10: ODR_XL[7:4] FS_XL[3:2] (00=2g 01=16g 10=4g 11=8g)
    CTRL2_G  0x11: ODR_G[7:4] FS_G[3:2] (250/500/1000/2000 dps) FS_125[1]
    CTRL3_C  0x12: BOOT[7] BDU[6] IF_INC[2] SW_RESET[0]
    STATUS   0x1E: TDA[2] GDA[1] XLDA[0]; OUT_TEMP 0x20; OUTX_L_G 0x22; OUTX_L_A 0x28
  tagged (DSOX): FIFO_CTRL1 0x07 WTM[7:0], CTRL2 0x08 WTM[8], CTRL3 0x09 BDR_GY[7:4] BDR_XL[3:0],
    CTRL4 0x0A FIFO_MODE[2:0] (0 bypass, 1 fifo/stop when full, 6 continuous);
    FIFO_STATUS1 0x3A DIFF[7:0], STATUS2 0x3B WTM_IA[7] OVR_IA[6] FULL_IA[5] OVR_LATCHED[3] DIFF[9:8];
    FIFO_DATA_OUT_TAG 0x78 (TAG_SENSOR[7:3]: 0x01 gyro, 0x02 accel) + X/Y/Z 0x79-0x7E
  untagged (DS3TR-C): FIFO_CTRL1 0x06 FTH[7:0], CTRL2 0x07 FTH[10:8], CTRL3 0x08 DEC_GYRO[5:3]
    DEC_XL[2:0] (0 = not in FIFO, 1 = every sample), CTRL5 0x0A ODR_FIFO[6:3] FIFO_MODE[2:0];
    FIFO_STATUS1 0x3A DIFF[7:0], STATUS2 0x3B WTM[7] OVER_RUN[6] FULL[5] EMPTY[4] DIFF[10:8],
    STATUS3/4 0x3C-0x3D pattern index of the next word, FIFO_DATA_OUT_L/H 0x3E-0x3F;
    words come gyro X,Y,Z then accel X,Y,Z.
Burst reads of the FIFO output roll back to its first address, so a firmware can
drain many words in one transfer.
"""

import math
import struct

from .i2c import I2CDeviceModel

WHO_AM_I = 0x0F
CTRL1_XL = 0x10
CTRL2_G = 0x11
CTRL3_C = 0x12
STATUS_REG = 0x1E
OUT_TEMP_L = 0x20
OUTX_L_G = 0x22
OUTX_L_A = 0x28

G = 9.80665
ODR_HZ = {0: 0.0, 1: 12.5, 2: 26.0, 3: 52.0, 4: 104.0, 5: 208.0, 6: 416.0, 7: 833.0,
          8: 1666.0, 9: 3332.0, 10: 6664.0, 11: 1.6}
ACCEL_MG_LSB = {0: 0.061, 1: 0.488, 2: 0.122, 3: 0.244}  # by FS_XL code
GYRO_MDPS_LSB = {0: 8.75, 1: 17.5, 2: 35.0, 3: 70.0}  # by FS_G code; FS_125 -> 4.375

TAG_GYRO = 0x01
TAG_ACCEL = 0x02

VARIANTS = {
    # name: (who_am_i, tagged FIFO, FIFO capacity in words)
    "LSM6DSOX": (0x6C, True, 512),  # 512 tagged words of 7 bytes (ST UM2740: "3 KB, or 512 words")
    "ISM330DHCX": (0x6B, True, 512),
    "LSM6DS3TR-C": (0x6A, False, 2048),  # 4 kbyte FIFO of 16-bit words
    "LSM6DS33": (0x69, False, 4096),  # 8 kbyte
}


def _clamp16(v):
    v = int(round(v))
    return 32767 if v > 32767 else (-32768 if v < -32768 else v)


class EmulatedLSM6DS(I2CDeviceModel):
    """One LSM6DS chip. `source.sample(t_ns)` -> ((ax..gz) SI, trace_index or None)."""

    def __init__(self, clock, source=None, variant="LSM6DSOX", fifo_capacity=None):
        if variant not in VARIANTS:
            raise ValueError("unknown IMU variant %r; choose one of %s" % (variant, ", ".join(VARIANTS)))
        self.variant = variant
        self.who_am_i, self.tagged, capacity = VARIANTS[variant]
        self.capacity = fifo_capacity or capacity
        self.clock = clock
        self.source = source
        self.regs = bytearray(256)
        self.pointer = 0
        self.fifo = []  # tagged: (tag, trace_index, 6 bytes); untagged: (word bytes, trace_index, slot)
        self.fifo_read_pos = 0
        self.overrun = False
        self.overrun_latched = False
        self.last_ns = clock.ns
        self.next_tick_ns = None
        self.tick_index = 0
        # Bookkeeping the tests read: what the sensor produced and what left the FIFO.
        self.produced = 0  # sample sets pushed into the FIFO
        self.dropped = 0  # words lost to overflow
        self.delivered_indices = []  # trace indices of accel words read out, in order
        self.words_read = 0
        self._pattern = 0  # untagged: index of the next word within gyro xyz, accel xyz
        self._reset_registers()
        clock.hooks.append(self.tick)

    # -- configuration helpers -----------------------------------------
    def _reset_registers(self):
        self.regs[:] = bytes(256)
        self.regs[WHO_AM_I] = self.who_am_i
        self.regs[CTRL3_C] = 0x04  # IF_INC
        self.fifo = []
        self.overrun = self.overrun_latched = False
        self.next_tick_ns = None
        self._pattern = 0

    def _accel_odr(self):
        return ODR_HZ.get(self.regs[CTRL1_XL] >> 4, 0.0)

    def _gyro_odr(self):
        return ODR_HZ.get(self.regs[CTRL2_G] >> 4, 0.0)

    def _fifo_mode(self):
        return self.regs[0x0A] & 0x07

    def _batching(self):
        """(rate Hz, accel batched, gyro batched) of the FIFO, or (0, ...) when idle."""
        if self._fifo_mode() == 0:
            return 0.0, False, False
        if self.tagged:
            bdr = self.regs[0x09]
            xl_rate = min(ODR_HZ.get(bdr & 0x0F, 0.0), self._accel_odr()) if bdr & 0x0F else 0.0
            gy_rate = min(ODR_HZ.get(bdr >> 4, 0.0), self._gyro_odr()) if bdr >> 4 else 0.0
        else:
            fifo_odr = ODR_HZ.get((self.regs[0x0A] >> 3) & 0x0F, 0.0)
            dec = self.regs[0x08]
            xl_rate = min(fifo_odr, self._accel_odr()) if dec & 0x07 else 0.0
            gy_rate = min(fifo_odr, self._gyro_odr()) if (dec >> 3) & 0x07 else 0.0
        rate = max(xl_rate, gy_rate)
        return rate, xl_rate > 0, gy_rate > 0

    def accel_lsb_si(self):
        return ACCEL_MG_LSB[(self.regs[CTRL1_XL] >> 2) & 3] * 1e-3 * G

    def gyro_lsb_si(self):
        if self.regs[CTRL2_G] & 0x02:
            mdps = 4.375
        else:
            mdps = GYRO_MDPS_LSB[(self.regs[CTRL2_G] >> 2) & 3]
        return math.radians(mdps * 1e-3)

    def to_raw(self, values):
        a, g = self.accel_lsb_si(), self.gyro_lsb_si()
        ax, ay, az, gx, gy, gz = values
        return (_clamp16(ax / a), _clamp16(ay / a), _clamp16(az / a),
                _clamp16(gx / g), _clamp16(gy / g), _clamp16(gz / g))

    def _sample(self, t_ns):
        if self.source is None:
            return (0.0, 0.0, G, 0.0, 0.0, 0.0), None
        return self.source.sample(t_ns)

    # -- time ----------------------------------------------------------
    def _restart_grid(self, now_ns):
        rate = self._batching()[0]
        if rate <= 0:
            self.next_tick_ns = None
            return
        self._tick_origin = now_ns
        self.tick_index = 0
        self.next_tick_ns = now_ns + 1e9 / rate

    def tick(self, now_ns):
        """Clock hook: push every sample due up to now into the FIFO."""
        rate, xl, gy = self._batching()
        if rate <= 0:
            self.next_tick_ns = None
            return
        period = 1e9 / rate
        if self.next_tick_ns is None:
            self._restart_grid(now_ns)
        while self.next_tick_ns <= now_ns:
            values, index = self._sample(int(self.next_tick_ns))
            raw = self.to_raw(values)
            self._push(raw, index, xl, gy)
            self.tick_index += 1
            self.next_tick_ns = self._tick_origin + (self.tick_index + 1) * period

    def _words_unread(self):
        return len(self.fifo)

    def _push(self, raw, index, xl, gy):
        self.produced += 1
        if self.tagged:
            words = []
            if gy:
                words.append((TAG_GYRO, None, struct.pack("<hhh", *raw[3:])))
            if xl:
                words.append((TAG_ACCEL, index, struct.pack("<hhh", *raw[:3])))
        else:
            words = []
            if gy:
                for i, v in enumerate(raw[3:]):
                    words.append((struct.pack("<h", v), None, i))
            if xl:
                for i, v in enumerate(raw[:3]):
                    words.append((struct.pack("<h", v), index if i == 0 else None, 3 + i))
        for w in words:
            if len(self.fifo) >= self.capacity:
                self.overrun = self.overrun_latched = True
                if self._fifo_mode() == 1:  # FIFO mode: stop collecting when full
                    self.dropped += 1
                    continue
                self.fifo.pop(0)  # continuous: the oldest word is overwritten
                self.dropped += 1
            self.fifo.append(w)

    # -- bus transactions ----------------------------------------------
    def write(self, data):
        self.check()
        self.pointer = data[0]
        for b in data[1:]:
            self._write_reg(self.pointer, b)
            self.pointer = (self.pointer + 1) & 0xFF

    def _write_reg(self, reg, value):
        if reg == WHO_AM_I or reg in (0x3A, 0x3B, 0x3C, 0x3D):
            return  # read-only
        if reg == CTRL3_C and value & 0x01:
            self._reset_registers()  # SW_RESET completes at once; the bit reads back 0
            self.regs[CTRL3_C] = (value & ~0x01) | 0x04
            return
        fifo_mode_reg = 0x0A
        self.regs[reg] = value
        if reg == fifo_mode_reg and (value & 0x07) == 0:
            self.fifo = []  # bypass mode empties the FIFO
            self.overrun = False
            self._pattern = 0
        if reg in (CTRL1_XL, CTRL2_G, 0x08, 0x09, 0x0A):
            self._restart_grid(self.clock.ns)  # rate changed: the sample grid starts now

    def read(self, n):
        self.check()
        out = bytearray(n)
        for i in range(n):
            out[i] = self._read_reg(self.pointer)
            self.pointer = self._next_pointer(self.pointer)
        return bytes(out)

    def _next_pointer(self, reg):
        if self.tagged and reg == 0x7E:
            return 0x78  # FIFO burst rolls back to the tag
        if not self.tagged and reg == 0x3F:
            return 0x3E
        if not self.regs[CTRL3_C] & 0x04:
            return reg
        return (reg + 1) & 0xFF

    def _read_reg(self, reg):
        if self.tagged and 0x78 <= reg <= 0x7E:
            return self._read_tagged(reg)
        if not self.tagged and reg in (0x3E, 0x3F):
            return self._read_untagged(reg)
        if reg == 0x3A:
            return self._words_unread() & 0xFF
        if reg == 0x3B:
            return self._status2()
        if not self.tagged and reg == 0x3C:
            return self._pattern & 0xFF
        if not self.tagged and reg == 0x3D:
            return self._pattern >> 8
        if reg == STATUS_REG:
            return 0x07 if (self._accel_odr() or self._gyro_odr()) else 0x00
        if OUT_TEMP_L <= reg < OUT_TEMP_L + 2:
            return struct.pack("<h", 25 * 256 - 25 * 256)[reg - OUT_TEMP_L]  # 25 C reads as 0 LSB
        if OUTX_L_G <= reg < OUTX_L_A + 6:
            raw = self.to_raw(self._sample(self.clock.ns)[0])
            if reg >= OUTX_L_A:
                return struct.pack("<hhh", *raw[:3])[reg - OUTX_L_A]
            return struct.pack("<hhh", *raw[3:])[reg - OUTX_L_G]
        return self.regs[reg]

    def _status2(self):
        unread = self._words_unread()
        if self.tagged:
            wtm = self.regs[0x07] | ((self.regs[0x08] & 1) << 8)
            v = (unread >> 8) & 0x03
            if self.overrun_latched:
                v |= 0x08
            if unread >= self.capacity:
                v |= 0x20
            if self.overrun:
                v |= 0x40
            if wtm and unread >= wtm:
                v |= 0x80
            self.overrun_latched = False  # OVR_LATCHED clears on read; OVR_IA stays until bypass
            return v
        wtm = self.regs[0x06] | ((self.regs[0x07] & 0x07) << 8)
        v = (unread >> 8) & 0x07
        if unread == 0:
            v |= 0x10
        if unread >= self.capacity:
            v |= 0x20
        if self.overrun:
            v |= 0x40
        if wtm and unread >= wtm:
            v |= 0x80
        return v

    def _read_tagged(self, reg):
        if not self.fifo:
            return 0
        tag, index, data = self.fifo[0]
        if reg == 0x78:
            return tag << 3
        byte = data[reg - 0x79]
        if reg == 0x7E:  # last byte of the word: it leaves the FIFO
            self.fifo.pop(0)
            self.words_read += 1
            if tag == TAG_ACCEL:
                self.delivered_indices.append(index)
        return byte

    def _read_untagged(self, reg):
        if not self.fifo:
            return 0
        word, index, slot = self.fifo[0]
        byte = word[reg - 0x3E]
        if reg == 0x3F:
            self.fifo.pop(0)
            self.words_read += 1
            if slot == 3:
                self.delivered_indices.append(index)
            self._pattern = self.fifo[0][2] if self.fifo else (slot + 1) % 6
        return byte
