"""Raw recording mode: the IMU stream stored as repcore.record SAMPLES records.

Samples are packed straight into one preallocated block (SAMPLE_FMT rows, the
same scaling as repcore.record.encode_samples) and written as one SAMPLES
record when the block is full or the set ends, so recording allocates nothing
per sample. The host turns SAMPLES into a trace (repclip.session keeps them
per set as `samples`).
"""

import struct

from repcore import record
from repcore.compat import const

ROWS_PER_RECORD = const(60)  # 60 x 16 bytes + head: well under MAX_RECORD_PAYLOAD
_HEAD = struct.calcsize(record.SAMPLES_HEAD)
_ROW = struct.calcsize(record.SAMPLE_FMT)


def _i16(v):
    v = int(v + 0.5) if v >= 0 else -int(-v + 0.5)
    return 32767 if v > 32767 else (-32768 if v < -32768 else v)


class RawRecorder:
    """add() every sample of a set; full blocks go to `write(record_bytes)`; flush() at set end."""

    def __init__(self, write, rows=ROWS_PER_RECORD):
        self.write = write
        self.rows = rows
        self._block = bytearray(_HEAD + rows * _ROW)
        self._view = memoryview(self._block)
        self._n = 0
        self._t0 = 0
        self.set_no = 0
        self.samples = 0

    def start(self, set_no):
        self.set_no = set_no
        self._n = 0
        self.samples = 0

    def add(self, t_us, ax, ay, az, gx, gy, gz):
        if self._n == 0:
            self._t0 = t_us
        struct.pack_into(record.SAMPLE_FMT, self._block, _HEAD + self._n * _ROW, t_us - self._t0,
                         _i16(ax * 100), _i16(ay * 100), _i16(az * 100),
                         _i16(gx * 1000), _i16(gy * 1000), _i16(gz * 1000))
        self._n += 1
        self.samples += 1
        if self._n == self.rows:
            self.flush()

    def flush(self):
        if self._n == 0:
            return
        struct.pack_into(record.SAMPLES_HEAD, self._block, 0, self.set_no, self._t0)
        n = self._n
        self._n = 0
        self.write(record.encode_record(record.SAMPLES, self._view[:_HEAD + n * _ROW]))
