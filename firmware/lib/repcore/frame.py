"""Link frames on the USB CDC data channel, identical on device and host.

    A5 5A | ver u8 | type u8 | seq u8 | len u16 LE | payload | crc16 u16 LE

The CRC (CRC-16/CCITT-FALSE) covers ver..payload. A reader resynchronises on
the next A5 5A after garbage, a bad CRC or an impossible length, so a garbled
or cut frame is dropped whole and the request is simply retried.
"""

import struct

from repcore.compat import const
from repcore.crc16 import crc16

SYNC0 = const(0xA5)
SYNC1 = const(0x5A)
VERSION = const(1)
HEADER_LEN = const(7)  # sync(2) ver type seq len(2)
OVERHEAD = const(9)  # header + crc
MAX_PAYLOAD = const(4096)


class FrameError(ValueError):
    pass


def encode_frame(ftype, seq, payload=b""):
    """One frame as bytes."""
    n = len(payload)
    if n > MAX_PAYLOAD:
        raise FrameError("payload of %d bytes exceeds the frame limit of %d" % (n, MAX_PAYLOAD))
    head = struct.pack("<BBBBBH", SYNC0, SYNC1, VERSION, ftype & 0xFF, seq & 0xFF, n)
    crc = crc16(head, 0xFFFF, 2, HEADER_LEN)
    crc = crc16(payload, crc)
    return head + bytes(payload) + struct.pack("<H", crc)


class FrameReader:
    """Incremental decoder: feed() bytes as they arrive, then pop frames with next_frame().

    Counts what it had to throw away (`dropped_bytes`, `bad_frames`) so a
    link can report noise instead of silently retrying forever.
    """

    def __init__(self, max_payload=MAX_PAYLOAD):
        self.max_payload = max_payload
        self._buf = bytearray()
        self.dropped_bytes = 0
        self.bad_frames = 0

    def feed(self, data):
        self._buf.extend(data)

    def pending(self):
        return len(self._buf)

    def reset(self):
        self.dropped_bytes += len(self._buf)
        self._buf = bytearray()

    def _discard(self, n):
        self.dropped_bytes += n
        self._buf = self._buf[n:]

    def next_frame(self):
        """Return (type, seq, payload bytes) of the next whole valid frame, or None."""
        buf = self._buf
        while True:
            # Find the sync pair.
            i = buf.find(b"\xa5\x5a")
            if i < 0:
                # Keep a trailing A5 that may start the next sync.
                keep = 1 if buf and buf[-1] == SYNC0 else 0
                if len(buf) - keep:
                    self._discard(len(buf) - keep)
                return None
            if i:
                self._discard(i)
                buf = self._buf
            if len(buf) < HEADER_LEN:
                return None
            ver = buf[2]
            n = buf[5] | (buf[6] << 8)
            if ver != VERSION or n > self.max_payload:
                self.bad_frames += 1
                self._discard(1)
                buf = self._buf
                continue
            total = HEADER_LEN + n + 2
            if len(buf) < total:
                return None
            crc = crc16(buf, 0xFFFF, 2, HEADER_LEN + n)
            got = buf[total - 2] | (buf[total - 1] << 8)
            if crc != got:
                self.bad_frames += 1
                self._discard(1)
                buf = self._buf
                continue
            ftype = buf[3]
            seq = buf[4]
            payload = bytes(buf[HEADER_LEN:HEADER_LEN + n])
            self._buf = buf[total:]
            return ftype, seq, payload
