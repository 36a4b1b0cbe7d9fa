"""Request/response messages of the RepClip link (protocol version 1).

Each message travels in one frame (repcore.frame). The host sends a request
with a sequence number; the device answers with the response type
(request | 0x80) and the same sequence number, or ERROR. The exception is READ:
the device answers with a stream of DATA frames, each carrying its own file
offset, so a long session moves at the link's full rate and a cut transfer
resumes from the last offset the host holds.

    HELLO        ->  HELLO_R     JSON {"proto", "device", "fw", "clock", "uptime_ms", "free", "board"}
    LIST  u16 start_index -> LIST_R  u16 total, then n x (u32 session, u32 size, u8 flags)
    READ  u32 session, u32 offset, u32 length -> DATA* (u32 session, u32 offset, bytes)
    ACK   u32 session, u32 size, u16 crc16 of the whole file -> ACK_R u8 status
    PLAN  JSON prescription -> PLAN_R u8 status
    CLOCK u32 unix seconds -> CLOCK_R u8 status
    any   ->  ERROR u8 code, utf-8 message

The device deletes a session only on an ACK whose size and CRC match the
file it holds, i.e. after the host has committed exactly those bytes.
"""

import json
import struct

from repcore.compat import const

PROTOCOL_VERSION = const(1)

HELLO = const(0x01)
LIST = const(0x02)
READ = const(0x03)
ACK = const(0x04)
PLAN = const(0x05)
CLOCK = const(0x06)

RESPONSE = const(0x80)
HELLO_R = const(0x81)
LIST_R = const(0x82)
DATA = const(0x83)
ACK_R = const(0x84)
PLAN_R = const(0x85)
CLOCK_R = const(0x86)
ERROR = const(0xFF)

# Status and error codes.
OK = const(0)
E_UNKNOWN_REQUEST = const(1)
E_BAD_REQUEST = const(2)
E_NO_SESSION = const(3)
E_MISMATCH = const(4)  # ACK size/CRC differ from the file on the device
E_STORAGE = const(5)  # flash read-only or full
E_BUSY = const(6)  # a set is being recorded

ERROR_NAMES = {
    E_UNKNOWN_REQUEST: "unknown request", E_BAD_REQUEST: "bad request",
    E_NO_SESSION: "no such session", E_MISMATCH: "size or checksum mismatch",
    E_STORAGE: "storage error", E_BUSY: "device busy",
}

# LIST entry flags.
F_COMPLETE = const(0x01)  # session closed (not the one being recorded)
F_RAW = const(0x02)  # holds a raw IMU recording

LIST_ENTRY = "<IIB"
LIST_ENTRY_LEN = const(9)
DATA_HEAD = "<II"
DATA_HEAD_LEN = const(8)


class ProtocolError(ValueError):
    pass


def pack_json(obj):
    return json.dumps(obj).encode("utf-8")


def unpack_json(payload, what):
    try:
        obj = json.loads(bytes(payload).decode("utf-8"))
    except (ValueError, RuntimeError) as e:  # RuntimeError: nesting too deep (RecursionError)
        raise ProtocolError("%s: invalid JSON payload (%s)" % (what, e))
    if not isinstance(obj, dict):
        raise ProtocolError("%s: payload must be a JSON object" % what)
    return obj


def pack_list_request(start_index=0):
    return struct.pack("<H", start_index)


def pack_list_response(total, entries):
    """entries: sequence of (session_id, size, flags)."""
    parts = [struct.pack("<H", total)]
    for sid, size, flags in entries:
        parts.append(struct.pack(LIST_ENTRY, sid, size, flags))
    return b"".join(parts)


def unpack_list_response(payload):
    if len(payload) < 2 or (len(payload) - 2) % LIST_ENTRY_LEN:
        raise ProtocolError("LIST response of %d bytes is malformed" % len(payload))
    total = struct.unpack_from("<H", payload, 0)[0]
    entries = []
    for off in range(2, len(payload), LIST_ENTRY_LEN):
        entries.append(struct.unpack_from(LIST_ENTRY, payload, off))
    return total, entries


def pack_read(session_id, offset, length):
    return struct.pack("<III", session_id, offset, length)


def unpack_read(payload):
    if len(payload) != 12:
        raise ProtocolError("READ request must be 12 bytes, got %d" % len(payload))
    return struct.unpack("<III", payload)


def pack_data_head(session_id, offset):
    return struct.pack(DATA_HEAD, session_id, offset)


def unpack_data(payload):
    if len(payload) < DATA_HEAD_LEN:
        raise ProtocolError("DATA frame of %d bytes has no header" % len(payload))
    sid, offset = struct.unpack_from(DATA_HEAD, payload, 0)
    return sid, offset, payload[DATA_HEAD_LEN:]


def pack_ack(session_id, size, crc):
    return struct.pack("<IIH", session_id, size, crc)


def unpack_ack(payload):
    if len(payload) != 10:
        raise ProtocolError("ACK request must be 10 bytes, got %d" % len(payload))
    return struct.unpack("<IIH", payload)


def pack_clock(unix_seconds):
    return struct.pack("<I", unix_seconds)


def unpack_clock(payload):
    if len(payload) != 4:
        raise ProtocolError("CLOCK request must be 4 bytes, got %d" % len(payload))
    return struct.unpack("<I", payload)[0]


def pack_status(code=OK):
    return struct.pack("<B", code)


def unpack_status(payload):
    if len(payload) < 1:
        raise ProtocolError("status response is empty")
    return payload[0]


def pack_error(code, message):
    return struct.pack("<B", code) + message.encode("utf-8")[:200]


def unpack_error(payload):
    if len(payload) < 1:
        return E_BAD_REQUEST, "empty error frame"
    code = payload[0]
    text = bytes(payload[1:]).decode("utf-8", "replace")
    return code, text or ERROR_NAMES.get(code, "error %d" % code)
