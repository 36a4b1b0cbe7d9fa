"""Session log records: the append-only file format on the board's flash.

    C5 | type u8 | len u16 LE | payload | crc16 u16 LE   (CRC over type..payload)

A session file is records back to back. A pulled battery can leave at most
one torn record at the end; read_records() stops there and reports it, so no
earlier record is ever lost. Metadata records carry compact JSON (fields can
grow without a format change); measurement records are fixed structs.

Record types and payloads (times are integer microseconds since set start
unless named otherwise):

    SESSION      JSON {"v", "session", "device", "fw", "clock", ...}
    SET_START    JSON {"set", "exercise", "mode", "mount", "side", "tempo", "load_kg", "t_ms", ...}
    REP          struct REP_FMT (set, index, start/bottom/rise/end us, rom mm, velocity mm/s, tempo verdicts)
    HOP          struct HOP_FMT (set, index, takeoff/touchdown us, contact ms, peak mg, loading rate g/s, softness)
    SET_END      JSON {"set", "reps", "hops", "rpe", "discomfort", "t_ms", ...}
    SESSION_END  JSON {"sets", "t_ms"}
    SAMPLES      struct SAMPLES_HEAD then n x SAMPLE_FMT: raw IMU stream (raw recording mode)
    NOTE         JSON {...}: anything else worth keeping (errors, battery)
"""

import json
import struct

from repcore.compat import const
from repcore.crc16 import crc16
from repcore.events import HARD, MODERATE, SOFT, Hop, Rep

MAGIC = const(0xC5)
HEAD_LEN = const(4)
MAX_RECORD_PAYLOAD = const(8192)

SESSION = const(1)
SET_START = const(2)
REP = const(3)
HOP = const(4)
SET_END = const(5)
SESSION_END = const(6)
SAMPLES = const(7)
NOTE = const(8)

TYPE_NAMES = {
    SESSION: "session", SET_START: "set_start", REP: "rep", HOP: "hop",
    SET_END: "set_end", SESSION_END: "session_end", SAMPLES: "samples", NOTE: "note",
}
_JSON_TYPES = (SESSION, SET_START, SET_END, SESSION_END, NOTE)

REP_FMT = "<HHIIIIHHbbb"
HOP_FMT = "<HHIIHHHB"
SAMPLES_HEAD = "<HI"  # set number, t0_us of the block
SAMPLE_FMT = "<I6h"  # t_us offset from t0; accel cm/s^2; gyro mrad/s
_NONE16 = const(0xFFFF)
_NONE8 = const(127)
_SOFTNESS = (SOFT, MODERATE, HARD)


class RecordError(ValueError):
    pass


def encode_record(rtype, payload):
    n = len(payload)
    if n > MAX_RECORD_PAYLOAD:
        raise RecordError("record payload of %d bytes exceeds %d" % (n, MAX_RECORD_PAYLOAD))
    head = struct.pack("<BBH", MAGIC, rtype, n)
    crc = crc16(head, 0xFFFF, 1, HEAD_LEN)
    crc = crc16(payload, crc)
    return head + bytes(payload) + struct.pack("<H", crc)


def encode_json(rtype, obj):
    return encode_record(rtype, json.dumps(obj).encode("utf-8"))


def _u16(value, scale):
    if value is None:
        return _NONE16
    v = int(value * scale + 0.5)
    return 0 if v < 0 else (_NONE16 - 1 if v >= _NONE16 else v)


def _verdict(v):
    return _NONE8 if v is None else v


def encode_rep(set_no, rep):
    return encode_record(REP, struct.pack(
        REP_FMT, set_no, rep.index, rep.start_us, rep.bottom_us, rep.rise_us, rep.end_us,
        _u16(rep.rom_cm, 10), _u16(rep.mean_velocity_m_s, 1000),
        _verdict(rep.tempo_eccentric), _verdict(rep.tempo_pause), _verdict(rep.tempo_concentric)))


def encode_hop(set_no, hop):
    return encode_record(HOP, struct.pack(
        HOP_FMT, set_no, hop.index, hop.takeoff_us, hop.touchdown_us,
        _u16(hop.contact_ms, 1), _u16(hop.peak_g, 1000), _u16(hop.loading_rate_g_s, 1),
        _SOFTNESS.index(hop.softness)))


def encode_samples(set_no, t0_us, rows):
    """rows: sequence of (t_us, ax, ay, az, gx, gy, gz) in SI units."""
    parts = [struct.pack(SAMPLES_HEAD, set_no, t0_us)]
    for t, ax, ay, az, gx, gy, gz in rows:
        parts.append(struct.pack(SAMPLE_FMT, t - t0_us, _i16(ax * 100), _i16(ay * 100),
                                 _i16(az * 100), _i16(gx * 1000), _i16(gy * 1000), _i16(gz * 1000)))
    return encode_record(SAMPLES, b"".join(parts))


def _i16(v):
    v = int(v + 0.5) if v >= 0 else -int(-v + 0.5)
    return 32767 if v > 32767 else (-32768 if v < -32768 else v)


def _opt(v, scale):
    return None if v == _NONE16 else v / scale


def decode_payload(rtype, payload):
    """(set_no or None, object): a dict for JSON records, a Rep or Hop, or sample rows."""
    if rtype in _JSON_TYPES:
        try:
            obj = json.loads(payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload)
        except (ValueError, RuntimeError) as e:  # RuntimeError: nesting too deep (RecursionError)
            raise RecordError("%s record holds invalid JSON: %s" % (TYPE_NAMES[rtype], e))
        if not isinstance(obj, dict):
            raise RecordError("%s record must hold a JSON object" % TYPE_NAMES[rtype])
        return obj.get("set"), obj
    if rtype == REP:
        if len(payload) != struct.calcsize(REP_FMT):
            raise RecordError("rep record has %d bytes, expected %d" % (len(payload), struct.calcsize(REP_FMT)))
        (set_no, index, s, b, r, e, rom, vel, te, tp, tc) = struct.unpack(REP_FMT, payload)
        if not s <= b <= r <= e:
            raise RecordError("rep record %d of set %d has phase times out of order" % (index, set_no))
        rep = Rep(index, s, b, r, e, _opt(rom, 10), _opt(vel, 1000),
                  None if te == _NONE8 else te, None if tp == _NONE8 else tp,
                  None if tc == _NONE8 else tc)
        return set_no, rep
    if rtype == HOP:
        if len(payload) != struct.calcsize(HOP_FMT):
            raise RecordError("hop record has %d bytes, expected %d" % (len(payload), struct.calcsize(HOP_FMT)))
        (set_no, index, to, td, contact, peak, rate, soft) = struct.unpack(HOP_FMT, payload)
        if td < to or soft >= len(_SOFTNESS):
            raise RecordError("hop record %d of set %d is inconsistent" % (index, set_no))
        hop = Hop(index, to, td, None if contact == _NONE16 else contact,
                  peak / 1000.0, float(rate), _SOFTNESS[soft])
        return set_no, hop
    if rtype == SAMPLES:
        head = struct.calcsize(SAMPLES_HEAD)
        size = struct.calcsize(SAMPLE_FMT)
        if len(payload) < head or (len(payload) - head) % size:
            raise RecordError("samples record of %d bytes is not a whole number of samples" % len(payload))
        set_no, t0 = struct.unpack_from(SAMPLES_HEAD, payload, 0)
        rows = []
        for off in range(head, len(payload), size):
            dt, ax, ay, az, gx, gy, gz = struct.unpack_from(SAMPLE_FMT, payload, off)
            rows.append((t0 + dt, ax / 100, ay / 100, az / 100, gx / 1000, gy / 1000, gz / 1000))
        return set_no, rows
    raise RecordError("unknown record type %d" % rtype)


def read_records(data):
    """Parse a whole session file.

    Returns (records, tail) where records is a list of (offset, type, payload
    bytes) for every intact record in order, and tail is None when the file
    ends cleanly or a short text saying where and why the rest was unreadable
    (a torn last record after a power cut). Never raises on bad bytes.
    """
    records = []
    off = 0
    n = len(data)
    mv = memoryview(data)
    while off < n:
        if n - off < HEAD_LEN + 2:
            return records, "torn record at byte %d: %d bytes left, header needs %d" % (off, n - off, HEAD_LEN + 2)
        if data[off] != MAGIC:
            return records, "bad record magic 0x%02x at byte %d" % (data[off], off)
        rtype = data[off + 1]
        length = data[off + 2] | (data[off + 3] << 8)
        end = off + HEAD_LEN + length + 2
        if length > MAX_RECORD_PAYLOAD:
            return records, "record at byte %d claims %d bytes (limit %d)" % (off, length, MAX_RECORD_PAYLOAD)
        if end > n:
            return records, "torn record at byte %d: needs %d bytes, %d left" % (off, end - off, n - off)
        crc = crc16(data, 0xFFFF, off + 1, end - 2)
        if crc != (data[end - 2] | (data[end - 1] << 8)):
            return records, "checksum mismatch in record at byte %d" % off
        records.append((off, rtype, bytes(mv[off + HEAD_LEN:end - 2])))
        off = end
    return records, None
