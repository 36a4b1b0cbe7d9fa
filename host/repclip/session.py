"""A session as the host sees it: the device's record file parsed into sets.

This is the contract between the link (which stores raw session bytes), the
store, the merge and the reports. The raw bytes stay the source of truth (kept
in SQLite for re-analysis); this model is always derived from them.

Keys the firmware writes in JSON records (see repcore.record):
    SESSION     v, session, device, fw, clock (unix s at start, 0 if unset), board, prescription
    SET_START   set, exercise, mode, mount, side ("L"/"R"/None), tempo ("3-1-1" or None),
                load_kg (float or None), t_ms (ms since session start)
    SET_END     set, reps, hops, rpe (1-10 or None), discomfort (0-10 or None), t_ms
    SESSION_END sets, t_ms
"""

from repcore import record
from repcore.crc16 import crc16


class SessionFormatError(ValueError):
    pass


class SetData:
    def __init__(self, set_no, meta):
        self.set_no = set_no
        self.exercise = meta.get("exercise") or "unknown"
        self.mode = meta.get("mode") or "strength"
        self.mount = meta.get("mount") or "waist"
        self.side = meta.get("side")
        self.tempo = meta.get("tempo")
        self.load_kg = meta.get("load_kg")
        self.t_ms = meta.get("t_ms", 0)
        self.meta = dict(meta)
        self.reps = []
        self.hops = []
        self.samples = []  # raw IMU rows (t_us, ax, ay, az, gx, gy, gz) in raw recording mode
        self.rpe = None
        self.discomfort = None
        self.ended = False
        self.end_meta = {}

    def finish(self, meta):
        self.rpe = meta.get("rpe")
        self.discomfort = meta.get("discomfort")
        self.end_meta = dict(meta)
        self.ended = True

    def to_dict(self):
        return {
            "set": self.set_no, "exercise": self.exercise, "mode": self.mode,
            "mount": self.mount, "side": self.side, "tempo": self.tempo,
            "load_kg": self.load_kg, "t_ms": self.t_ms, "rpe": self.rpe,
            "discomfort": self.discomfort, "ended": self.ended,
            "reps": [r.to_dict() for r in self.reps],
            "hops": [h.to_dict() for h in self.hops],
            "samples": len(self.samples),
        }


class SessionData:
    def __init__(self, meta, sets, tail=None, size=0, crc=0):
        self.meta = meta
        self.session_id = meta.get("session")
        self.device_id = meta.get("device")
        self.firmware = meta.get("fw")
        self.clock = meta.get("clock") or 0
        self.sets = sets
        self.tail = tail  # why the file ended early (power cut), or None
        self.ended = False
        self.size = size
        self.crc = crc

    def to_dict(self):
        return {
            "session": self.session_id, "device": self.device_id, "fw": self.firmware,
            "clock": self.clock, "ended": self.ended, "tail": self.tail,
            "sets": [s.to_dict() for s in self.sets],
        }


def parse_session(data):
    """Parse a session file's bytes. A torn tail is kept as `tail`, never an error;
    a file that does not start with a SESSION record raises SessionFormatError."""
    records, tail = record.read_records(data)
    if not records or records[0][1] != record.SESSION:
        raise SessionFormatError(
            "not a RepClip session file: the first record must be SESSION"
            + ("" if tail is None else " (%s)" % tail))
    _, meta = record.decode_payload(record.SESSION, records[0][2])
    session = SessionData(meta, [], tail, len(data), crc16(data))
    by_no = {}
    current = None
    for off, rtype, payload in records[1:]:
        try:
            set_no, obj = record.decode_payload(rtype, payload)
        except record.RecordError as e:
            raise SessionFormatError("record at byte %d: %s" % (off, e))
        if set_no is not None and (not isinstance(set_no, int) or isinstance(set_no, bool)):
            raise SessionFormatError("record at byte %d: set number %r is not an integer" % (off, set_no))
        if rtype == record.SET_START:
            current = SetData(set_no, obj)
            by_no[set_no] = current
            session.sets.append(current)
            continue
        if rtype == record.SESSION_END:
            session.ended = True
            continue
        if rtype == record.NOTE:
            session.meta.setdefault("notes", []).append(obj)
            continue
        target = by_no.get(set_no, current)
        if target is None:
            raise SessionFormatError("record at byte %d belongs to set %s, which never started" % (off, set_no))
        if rtype == record.REP:
            target.reps.append(obj)
        elif rtype == record.HOP:
            target.hops.append(obj)
        elif rtype == record.SET_END:
            target.finish(obj)
        elif rtype == record.SAMPLES:
            target.samples.extend(obj)
    return session
