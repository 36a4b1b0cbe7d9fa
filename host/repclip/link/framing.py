"""A host-side twin of repcore.frame.FrameReader that keeps a read position.

repcore's FrameReader (shared with the board, where inputs are a few hundred
bytes) slices its buffer after every frame; at host link speeds, 64 KB reads
full of 1 KB DATA frames make that copying the bottleneck. This reader parses
in place and compacts rarely. Same input, same frames, same counters:
tests/wire/test_host_framing.py checks it against FrameReader on random streams.
"""

from repcore.crc16 import crc16
from repcore.frame import HEADER_LEN, MAX_PAYLOAD, SYNC0, VERSION

_COMPACT_AT = 1 << 16


class HostFrameReader:
    def __init__(self, max_payload=MAX_PAYLOAD):
        self.max_payload = max_payload
        self._buf = bytearray()
        self._pos = 0
        self.dropped_bytes = 0
        self.bad_frames = 0

    def feed(self, data):
        if self._pos >= _COMPACT_AT or (self._pos and self._pos == len(self._buf)):
            del self._buf[:self._pos]
            self._pos = 0
        self._buf += data

    def pending(self):
        return len(self._buf) - self._pos

    def reset(self):
        self.dropped_bytes += self.pending()
        self._buf = bytearray()
        self._pos = 0

    def next_frame(self):
        """(type, seq, payload bytes) of the next whole valid frame, or None."""
        buf = self._buf
        pos = self._pos
        end = len(buf)
        while True:
            i = buf.find(b"\xa5\x5a", pos)
            if i < 0:
                keep = 1 if end > pos and buf[end - 1] == SYNC0 else 0
                self.dropped_bytes += end - keep - pos
                self._pos = end - keep
                return None
            self.dropped_bytes += i - pos
            pos = i
            if end - pos < HEADER_LEN:
                self._pos = pos
                return None
            n = buf[pos + 5] | (buf[pos + 6] << 8)
            if buf[pos + 2] != VERSION or n > self.max_payload:
                self.bad_frames += 1
                self.dropped_bytes += 1
                pos += 1
                continue
            total = HEADER_LEN + n + 2
            if end - pos < total:
                self._pos = pos
                return None
            stop = pos + HEADER_LEN + n
            if crc16(buf, 0xFFFF, pos + 2, stop) != buf[stop] | (buf[stop + 1] << 8):
                self.bad_frames += 1
                self.dropped_bytes += 1
                pos += 1
                continue
            frame = (buf[pos + 3], buf[pos + 4], bytes(buf[pos + HEADER_LEN:stop]))
            self._pos = pos + total
            return frame
