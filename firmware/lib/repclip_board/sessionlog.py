"""Session files on the board's flash: append-only writer and the reader the link uses.

One file per session, "S%08d.rcl" under the data directory, holding
repcore.record records back to back. Guarantees:

- Every record goes to the file in ONE write() call, and the file is only ever
  appended to. A battery pulled mid-write can tear only the record being
  written; repcore.record.read_records() stops before it, so every earlier
  record stays readable.
- The app calls sync() (flush + os.sync()) after every REP/HOP record and at set
  boundaries, so a pulled battery loses at most the record being written. Raw
  SAMPLES blocks (several a second) are only flushed; CircuitPython writes its
  flash cache out within about a second, and the next sync() forces it.
- Session ids never repeat, even after the host deleted every file: the next id
  lives in an append-only counter file ("next.rcl", NOTE records {"next": n})
  whose last intact record wins, and is always taken past the highest file.
- A session is only started with at least `reserve` bytes free; below that
  start_session() raises FlashFullError and nothing is deleted or overwritten
  (files leave the flash only through delete(), which the link calls after the
  host committed them).
"""

import json
import os

from repcore import record
from repcore.compat import const
from repcore.crc16 import crc16

_PREFIX = "S"
_SUFFIX = ".rcl"
_COUNTER = "next.rcl"
_COUNTER_MAX = const(4096)  # rewrite the counter file when it grows past this
_BUF = const(512)
DEFAULT_RESERVE = const(65536)


class FlashFullError(OSError):
    """Not enough free flash to record: the message says how much and what to do."""


class SessionLogError(ValueError):
    pass


def _name(sid):
    return "%s%08d%s" % (_PREFIX, sid, _SUFFIX)


def _join(a, b):
    return a + b if a.endswith("/") else a + "/" + b


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _makedirs(path):
    if not path or _exists(path):
        return
    parent = path.rstrip("/").rsplit("/", 1)[0] if "/" in path.rstrip("/") else ""
    if parent and parent != path:
        _makedirs(parent)
    try:
        os.mkdir(path)
    except OSError:
        if not _exists(path):
            raise


class SessionLog:
    """Session files under `root`. Reader side per the board contract; writer side for the app."""

    def __init__(self, root, reserve=DEFAULT_RESERVE):
        self.root = root.rstrip("/") or "/"
        self.reserve = reserve
        try:
            _makedirs(self.root)
        except OSError:
            pass  # read-only drive (edit mode): nothing to read yet, start_session() will say why
        self.open_sid = None  # the session being recorded, if any
        self._file = None
        self._written = 0
        self._raw = {}
        self._rfile = None  # cached read handle (sid, file): the link reads in chunks
        self._rsid = None
        self._buf = bytearray(_BUF)

    # -- paths and ids -------------------------------------------------
    def path(self, sid):
        return _join(self.root, _name(sid))

    def session_ids(self):
        ids = []
        try:
            names = os.listdir(self.root)
        except OSError:
            if _exists(self.root):
                raise
            return ids  # no data directory yet: no sessions
        for name in names:
            if len(name) == 13 and name.startswith(_PREFIX) and name.endswith(_SUFFIX):
                digits = name[1:9]
                if digits.isdigit():
                    ids.append(int(digits))
        ids.sort()
        return ids

    def _read_counter(self):
        try:
            with open(_join(self.root, _COUNTER), "rb") as f:
                data = f.read()
        except OSError:
            return 1
        records, _ = record.read_records(data)
        for _, rtype, payload in reversed(records):
            if rtype == record.NOTE:
                try:
                    value = json.loads(payload.decode("utf-8")).get("next")
                except (ValueError, AttributeError):
                    continue
                if isinstance(value, int) and value > 0:
                    return value
        return 1

    def _write_counter(self, value):
        path = _join(self.root, _COUNTER)
        rec = record.encode_json(record.NOTE, {"next": value})
        try:
            size = os.stat(path)[6]
        except OSError:
            size = 0
        if size > _COUNTER_MAX:
            # Compact: write a fresh file, then swap it in; the old one stays valid until then.
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(rec)
            os.remove(path)
            os.rename(tmp, path)
        else:
            with open(path, "ab") as f:
                f.write(rec)
        os.sync()

    def next_id(self):
        ids = self.session_ids()
        n = self._read_counter()
        if ids and ids[-1] >= n:
            n = ids[-1] + 1
        return n

    # -- reader side (board contract, used by the link) ----------------
    def size(self, sid):
        if sid == self.open_sid and self._file is not None:
            return self._written
        return os.stat(self.path(sid))[6]

    def is_complete(self, sid):
        """True when the session is no longer being recorded (ended, or cut off by a power loss)."""
        return sid != self.open_sid

    def is_raw(self, sid):
        """True when the session holds raw IMU samples (raw recording mode)."""
        if sid in self._raw:
            return self._raw[sid]
        raw = False
        try:
            with open(self.path(sid), "rb") as f:
                head = f.read(record.HEAD_LEN)
                if len(head) == record.HEAD_LEN and head[0] == record.MAGIC and head[1] == record.SESSION:
                    payload = f.read(head[2] | (head[3] << 8))
                    raw = bool(json.loads(payload.decode("utf-8")).get("raw"))
        except (OSError, ValueError, AttributeError, UnicodeError):
            raw = False
        self._raw[sid] = raw
        return raw

    def _reader(self, sid):
        if self._rsid != sid or self._rfile is None:
            self._close_reader()
            self._rfile = open(self.path(sid), "rb")
            self._rsid = sid
        return self._rfile

    def _close_reader(self):
        if self._rfile is not None:
            self._rfile.close()
        self._rfile = None
        self._rsid = None

    def read_into(self, sid, offset, buf):
        """Copy file bytes from `offset` into `buf` (a memoryview slice); returns how many."""
        if sid == self.open_sid and self._file is not None:
            self._file.flush()
            if offset >= self._written:
                return 0
        f = self._reader(sid)
        f.seek(offset)
        n = f.readinto(buf)
        return n or 0

    def crc(self, sid):
        """repcore.crc16 of the whole file, streamed through one small buffer."""
        c = 0xFFFF
        buf = self._buf
        view = memoryview(buf)
        with open(self.path(sid), "rb") as f:
            while True:
                n = f.readinto(buf)
                if not n:
                    return c
                c = crc16(view[:n], c)

    def delete(self, sid):
        if sid == self.open_sid:
            raise SessionLogError("session %d is being recorded and cannot be deleted" % sid)
        if self._rsid == sid:
            self._close_reader()
        self._raw.pop(sid, None)
        os.remove(self.path(sid))

    def free_bytes(self):
        st = os.statvfs(self.root)
        return st[0] * st[3]

    # -- writer side (the app) -----------------------------------------
    def start_session(self, meta):
        """Create the next session file with a SESSION record; returns its id.

        `meta` is the SESSION JSON (repclip.session keys); "session" is filled in.
        Raises FlashFullError when less than the reserve is free.
        """
        if self.open_sid is not None:
            raise SessionLogError("session %d is still open; end it first" % self.open_sid)
        free = self.free_bytes()
        if free < self.reserve:
            raise FlashFullError(
                "flash full: %d KB free, a session needs %d KB. Sync with the host "
                "(repclip sync) so it can free synced sessions." % (free // 1024, self.reserve // 1024))
        _makedirs(self.root)
        sid = self.next_id()
        while _exists(self.path(sid)):  # never overwrite a file, whatever the counter says
            sid += 1
        self._write_counter(sid + 1)  # before the file: a cut here only skips an id
        meta = dict(meta)
        meta["session"] = sid
        self._file = open(self.path(sid), "ab")
        self.open_sid = sid
        self._written = 0
        self._raw[sid] = bool(meta.get("raw"))
        self.append(record.encode_json(record.SESSION, meta))
        self.sync()
        return sid

    def append(self, rec):
        """Append one encoded record with a single write() call."""
        if self._file is None:
            raise SessionLogError("no session is open")
        try:
            n = self._file.write(rec)
        except OSError as e:
            if e.args and e.args[0] == 28:  # ENOSPC
                raise FlashFullError("flash full while recording session %d; the set so far is kept"
                                     % self.open_sid)
            raise
        self._written += len(rec) if n is None else n
        return n

    def append_json(self, rtype, obj):
        return self.append(record.encode_json(rtype, obj))

    def flush(self):
        """Hand what was appended to the filesystem (no os.sync: for frequent bulk records)."""
        if self._file is not None:
            self._file.flush()

    def sync(self):
        """Flush and os.sync(): what was appended is on the flash (call at set boundaries)."""
        if self._file is not None:
            self._file.flush()
        os.sync()

    def end_session(self, meta=None):
        """Append SESSION_END (when meta is given), sync and close. Returns the session id."""
        sid = self.open_sid
        if sid is None:
            return None
        try:
            if meta is not None:
                self.append_json(record.SESSION_END, meta)
            self.sync()
        finally:
            self.close()
        return sid

    def close(self):
        """Close the open session without SESSION_END (e.g. after a storage error)."""
        f = self._file
        self._file = None
        self.open_sid = None
        if f is not None:
            try:
                f.close()
            except OSError:
                pass
