"""The host's SQLite store of synced sessions.

Every session is kept whole: its raw record bytes (the source of truth, kept
for re-analysis) plus device id, firmware version, size, CRC-16, when it was
synced and when it started. Derived tables (sets, reps, hops) are filled from
repclip.session.parse_session at insert time, so reading thousands of sessions
back is a few bulk queries rather than re-parsing every blob.

Sessions are identified by (device id, session id, crc16 of the file): adding
the same bytes twice is a no-op, which is what makes sync idempotent.
Partially transferred sessions are kept in `partials` so a cut sync resumes.

The schema is versioned with PRAGMA user_version; MIGRATIONS are applied in
order, each in its own transaction.
"""

import datetime
import gc
import hashlib
import json
import pathlib
import sqlite3
import struct
import time

from repcore import record
from repcore.events import SOFTNESS_GRADES, Hop, Rep
from repclip.session import SessionData, SessionFormatError, SetData, parse_session

APP_NAME = "repclip"


def default_db_path():
    import platformdirs

    return pathlib.Path(platformdirs.user_data_dir(APP_NAME)) / "repclip.db"


class StoreError(Exception):
    """A store that cannot be opened or used (message says what and how to fix)."""


_V1 = """
CREATE TABLE sessions (
    key         INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL,
    session_id  INTEGER NOT NULL,
    crc         INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    firmware    TEXT,
    clock       INTEGER NOT NULL DEFAULT 0,
    synced_at   INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    source      TEXT NOT NULL,
    ended       INTEGER NOT NULL,
    tail        TEXT,
    meta        TEXT NOT NULL,
    raw         BLOB NOT NULL,
    UNIQUE (device_id, session_id, crc)
);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE TABLE sets (
    session_key INTEGER NOT NULL REFERENCES sessions(key) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    set_no      INTEGER,
    meta        TEXT NOT NULL,
    rpe         REAL,
    discomfort  REAL,
    ended       INTEGER NOT NULL,
    end_meta    TEXT NOT NULL,
    n_samples   INTEGER NOT NULL,
    PRIMARY KEY (session_key, pos)
);
CREATE TABLE reps (
    session_key INTEGER NOT NULL REFERENCES sessions(key) ON DELETE CASCADE,
    set_pos     INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    start_us    INTEGER NOT NULL,
    bottom_us   INTEGER NOT NULL,
    rise_us     INTEGER NOT NULL,
    end_us      INTEGER NOT NULL,
    rom_cm      REAL,
    velocity    REAL,
    tempo_ecc   INTEGER,
    tempo_pause INTEGER,
    tempo_con   INTEGER
);
CREATE INDEX reps_session ON reps (session_key);
CREATE TABLE hops (
    session_key  INTEGER NOT NULL REFERENCES sessions(key) ON DELETE CASCADE,
    set_pos      INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    takeoff_us   INTEGER NOT NULL,
    touchdown_us INTEGER NOT NULL,
    contact_ms   INTEGER,
    peak_g       REAL NOT NULL,
    loading_rate REAL NOT NULL,
    softness     TEXT NOT NULL
);
CREATE INDEX hops_session ON hops (session_key);
CREATE TABLE partials (
    device_id   TEXT NOT NULL,
    session_id  INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (device_id, session_id)
);
"""

def _v2_packed_events(db):
    """v2: each set also keeps its reps and hops packed in the device's record structs
    (repcore.record REP_FMT / HOP_FMT), so a bulk load unpacks blobs instead of
    fetching one SQL row per rep. Backfills sets stored by v1."""
    db.execute("ALTER TABLE sets ADD COLUMN reps_blob BLOB NOT NULL DEFAULT x''")
    db.execute("ALTER TABLE sets ADD COLUMN hops_blob BLOB NOT NULL DEFAULT x''")
    packed = {}
    for row in db.execute("SELECT session_key, set_pos, idx, start_us, bottom_us, rise_us, end_us, rom_cm, velocity, "
                          "tempo_ecc, tempo_pause, tempo_con FROM reps ORDER BY rowid"):
        packed.setdefault((row[0], row[1]), [[], []])[0].append(_pack_rep(Rep(*row[2:])))
    for row in db.execute("SELECT session_key, set_pos, idx, takeoff_us, touchdown_us, contact_ms, peak_g, "
                          "loading_rate, softness FROM hops ORDER BY rowid"):
        packed.setdefault((row[0], row[1]), [[], []])[1].append(_pack_hop(Hop(*row[2:])))
    db.executemany("UPDATE sets SET reps_blob=?, hops_blob=? WHERE session_key=? AND pos=?",
                   [(b"".join(r), b"".join(h), k, p) for (k, p), (r, h) in packed.items()])


_SESSION_COLUMNS = ("key, device_id, session_id, crc, size, firmware, clock, synced_at, started_at, source, "
                    "ended, tail, meta, raw")


def _v3_content_hash(db):
    """v3: sessions are told apart by the SHA-256 of their bytes too.

    CRC-16 alone collides once in 65,536: two different files with the same
    device and session id (a board whose id counter was wiped) must not be
    merged. SQLite cannot drop v1's UNIQUE constraint in place, so the table is
    rebuilt (SQLite's documented procedure; foreign keys are off during migrations).
    """
    db.create_function("repclip_sha256", 1, lambda b: hashlib.sha256(b).hexdigest(), deterministic=True)
    db.execute(_V1.split("CREATE TABLE sets")[0].split("CREATE INDEX")[0]
               .replace("CREATE TABLE sessions (", "CREATE TABLE sessions_v3 (")
               .replace("UNIQUE (device_id, session_id, crc)",
                        "sha256 TEXT NOT NULL,\n    UNIQUE (device_id, session_id, crc, sha256)").rstrip().rstrip(";"))
    db.execute("INSERT INTO sessions_v3 (%s, sha256) SELECT %s, repclip_sha256(raw) FROM sessions"
               % (_SESSION_COLUMNS, _SESSION_COLUMNS))
    db.execute("DROP TABLE sessions")
    db.execute("ALTER TABLE sessions_v3 RENAME TO sessions")
    db.execute("CREATE INDEX sessions_started ON sessions (started_at)")
    db.execute("CREATE INDEX sessions_device ON sessions (device_id, session_id)")


# Ordered migrations: MIGRATIONS[i] takes the schema from version i to i + 1
# (an SQL script, or a function of the connection for data migrations).
MIGRATIONS = [_V1, _v2_packed_events, _v3_content_hash]
SCHEMA_VERSION = len(MIGRATIONS)


def _num(value, kind=float):
    """A number from device JSON, or None for anything that is not one (the raw bytes keep the original)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > 2**62:  # NaN, inf, or too big for SQLite's INTEGER
        return None
    return kind(value)


def _whole(v):
    """RPE 7 comes back from a REAL column as 7.0: give the device's 7 back."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


# Reps and hops packed exactly as the device records them (repcore.record REP/HOP
# payloads), so a stored blob decodes to the same values parse_session gives.
_REP = struct.Struct(record.REP_FMT)
_HOP = struct.Struct(record.HOP_FMT)
_NONE16 = 0xFFFF
_NONE8 = 127


def _pack_rep(rep):
    return record.encode_rep(0, rep)[record.HEAD_LEN:-2]


def _pack_hop(hop):
    return record.encode_hop(0, hop)[record.HEAD_LEN:-2]


def _unpack_reps(blob):
    return [Rep(index, s, b, r, e, None if rom == _NONE16 else rom / 10, None if vel == _NONE16 else vel / 1000,
                None if te == _NONE8 else te, None if tp == _NONE8 else tp, None if tc == _NONE8 else tc)
            for _, index, s, b, r, e, rom, vel, te, tp, tc in _REP.iter_unpack(blob)]


def _unpack_hops(blob):
    return [Hop(index, to, td, None if contact == _NONE16 else contact, peak / 1000.0, float(rate),
                SOFTNESS_GRADES[soft])
            for _, index, to, td, contact, peak, rate, soft in _HOP.iter_unpack(blob)]


def _text(value):
    return None if value is None else str(value)


def _to_unix(when):
    if when is None:
        return None
    if isinstance(when, datetime.datetime):
        if when.tzinfo is None:
            return int(time.mktime(when.timetuple()))
        return int(when.timestamp())
    if isinstance(when, datetime.date):
        return int(time.mktime(when.timetuple()))
    return int(when)


class Store:
    """SQLite store; `with Store(path) as store:` or call close()."""

    def __init__(self, path=None):
        self.path = pathlib.Path(path) if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError("cannot open the session store %s: %s (is it a RepClip database? "
                             "choose another file with --db)" % (self.path, e)) from None
        except OSError as e:
            raise StoreError("cannot create the session store at %s: %s (choose another path with --db)"
                             % (self.path, e)) from None

    # -- lifecycle -----------------------------------------------------
    def _migrate(self):
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError("%s has schema version %d, newer than this repclip understands (%d): "
                             "upgrade repclip" % (self.path, version, SCHEMA_VERSION))
        if version == SCHEMA_VERSION:
            return
        # Table rebuilds must not cascade deletes into sets/reps/hops; the pragma only
        # takes effect outside a transaction. Checked again before foreign keys return.
        self.db.execute("PRAGMA foreign_keys = OFF")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._tx():
                step = MIGRATIONS[target - 1]
                if callable(step):
                    step(self.db)
                else:
                    for stmt in _statements(step):
                        self.db.execute(stmt)
                broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError("migrating %s to schema %d left %d dangling rows; the file was not changed"
                                     % (self.path, target, len(broken)))
                self.db.execute("PRAGMA user_version = %d" % target)
        self.db.execute("PRAGMA foreign_keys = ON")

    def _tx(self):
        return _Transaction(self.db)

    def close(self):
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sessions ------------------------------------------------------
    def add_session(self, raw, source="device", device_id=None, synced_at=None):
        """Store one session file's bytes. Returns (key, created); the same bytes twice -> (key, False).

        Identity is (device id, session id, CRC-16) plus the SHA-256 of the
        bytes, so a CRC-16 collision never merges two different sessions.

        device_id fills in for a file whose SESSION record names no device.
        Raises repclip.session.SessionFormatError for bytes that are not a session.
        The whole insert (and dropping any partial transfer of it) is one transaction.
        """
        raw = bytes(raw)
        session = parse_session(raw)
        dev = str(session.device_id or device_id or "unknown")
        sid = session.session_id
        if not isinstance(sid, int) or isinstance(sid, bool) or not 0 <= sid < 2**32:
            raise SessionFormatError("the SESSION record's session id %r is not a 32-bit unsigned integer" % (sid,))
        digest = hashlib.sha256(raw).hexdigest()
        row = self.db.execute("SELECT key FROM sessions WHERE device_id=? AND session_id=? AND crc=? AND sha256=?",
                              (dev, sid, session.crc, digest)).fetchone()
        if row:
            return row[0], False
        synced = int(time.time()) if synced_at is None else int(synced_at)
        clock = _num(session.clock, int) or 0
        started = clock if clock > 0 else synced
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO sessions (device_id, session_id, crc, size, firmware, clock, synced_at, "
                "started_at, source, ended, tail, meta, raw, sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (dev, sid, session.crc, len(raw), _text(session.firmware), clock, synced, started, source,
                 int(session.ended), session.tail, json.dumps(session.meta), raw, digest))
            key = cur.lastrowid
            sets, reps, hops = [], [], []
            for pos, s in enumerate(session.sets):
                sets.append((key, pos, _num(s.set_no, int), json.dumps(s.meta), _num(s.rpe), _num(s.discomfort),
                             int(s.ended), json.dumps(s.end_meta), len(s.samples),
                             b"".join(_pack_rep(r) for r in s.reps), b"".join(_pack_hop(h) for h in s.hops)))
                for r in s.reps:
                    reps.append((key, pos, r.index, r.start_us, r.bottom_us, r.rise_us, r.end_us, r.rom_cm,
                                 r.mean_velocity_m_s, r.tempo_eccentric, r.tempo_pause, r.tempo_concentric))
                for h in s.hops:
                    hops.append((key, pos, h.index, h.takeoff_us, h.touchdown_us, h.contact_ms, h.peak_g,
                                 h.loading_rate_g_s, h.softness))
            self.db.executemany("INSERT INTO sets VALUES (?,?,?,?,?,?,?,?,?,?,?)", sets)
            self.db.executemany("INSERT INTO reps VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", reps)
            self.db.executemany("INSERT INTO hops VALUES (?,?,?,?,?,?,?,?,?)", hops)
            self.db.execute("DELETE FROM partials WHERE device_id=? AND session_id=?", (dev, sid))
        return key, True

    def has_session(self, device_id, session_id, crc):
        return self.db.execute("SELECT 1 FROM sessions WHERE device_id=? AND session_id=? AND crc=?",
                               (str(device_id), int(session_id), int(crc))).fetchone() is not None

    def find_session(self, device_id, session_id, size=None):
        """[(key, size, crc)] stored for this device's session id (newest first), optionally of one size."""
        sql = "SELECT key, size, crc FROM sessions WHERE device_id=? AND session_id=?"
        args = [str(device_id), int(session_id)]
        if size is not None:
            sql += " AND size=?"
            args.append(int(size))
        return [tuple(r) for r in self.db.execute(sql + " ORDER BY key DESC", args)]

    def remove(self, key):
        with self._tx():
            self.db.execute("DELETE FROM sessions WHERE key=?", (key,))

    def count(self):
        return self.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]

    def raw(self, key):
        row = self.db.execute("SELECT raw FROM sessions WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError("no stored session with key %r" % (key,))
        return bytes(row[0])

    def summaries(self):
        """Light rows for listings: dicts without the raw bytes, ordered by start."""
        cols = ("key", "device_id", "session_id", "size", "crc", "firmware", "started_at", "synced_at",
                "source", "ended", "tail")
        rows = self.db.execute(
            "SELECT s.key, s.device_id, s.session_id, s.size, s.crc, s.firmware, s.started_at, s.synced_at, "
            "s.source, s.ended, s.tail, "
            "(SELECT COUNT(*) FROM sets WHERE session_key=s.key), "
            "(SELECT COUNT(*) FROM reps WHERE session_key=s.key), "
            "(SELECT COUNT(*) FROM hops WHERE session_key=s.key) "
            "FROM sessions s ORDER BY s.started_at, s.key").fetchall()
        out = []
        for r in rows:
            d = dict(zip(cols, r[:len(cols)]))
            d["sets"], d["reps"], d["hops"] = r[len(cols):]
            out.append(d)
        return out

    def sessions(self, since=None):
        """Every stored session (started at or after `since`) as SessionData, oldest first.

        Built from bulk queries on the derived tables, never by re-parsing raw
        blobs. Each has extra attributes `key`, `started_at` (unix s: device
        clock if it was set, else synced_at), `synced_at` and `source`. Raw IMU
        samples are not loaded (SetData.samples stays empty, SetData.n_samples
        counts them); parse_session(store.raw(key)) has them.
        `since`: unix seconds, a datetime or a date.
        """
        # Hundreds of thousands of small objects: generational GC passes would cost
        # more than building them (nothing here forms reference cycles).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load_sessions(since)
        finally:
            if enabled:
                gc.enable()

    def _load_sessions(self, since):
        since_s = _to_unix(since)
        where, args = ("WHERE started_at >= ?", (since_s,)) if since_s is not None else ("", ())
        sess_rows = self.db.execute(
            "SELECT key, meta, tail, size, crc, ended, started_at, synced_at, source, device_id, session_id "
            "FROM sessions %s ORDER BY started_at, key" % where, args).fetchall()
        if not sess_rows:
            return []
        by_key = {}
        result = []
        metas = json.loads("[" + ",".join([r[1] for r in sess_rows]) + "]")
        for (key, _, tail, size, crc, ended, started, synced, source, dev, sid), meta in zip(sess_rows, metas):
            s = SessionData(meta, [], tail, size, crc)
            s.device_id = s.device_id or dev
            s.session_id = s.session_id if s.session_id is not None else sid
            s.ended = bool(ended)
            s.key = key
            s.started_at = started
            s.synced_at = synced
            s.source = source
            by_key[key] = s
            result.append(s)
        # Sets of the selected sessions, with their reps and hops as packed blobs.
        if since_s is None:
            child_where, child_args = "", ()
        else:
            child_where = "WHERE session_key IN (SELECT key FROM sessions WHERE started_at >= ?)"
            child_args = (since_s,)
        rows = self.db.execute(
            "SELECT session_key, meta, end_meta, rpe, discomfort, ended, n_samples, reps_blob, hops_blob "
            "FROM sets %s ORDER BY session_key, pos" % child_where, child_args).fetchall()
        # Two json.loads over all sets at once: per-call overhead, not parsing, dominates small documents.
        metas = json.loads("[" + ",".join([r[1] for r in rows]) + "]")
        end_metas = json.loads("[" + ",".join([r[2] for r in rows]) + "]")
        new_set = SetData.__new__
        unpack_reps, unpack_hops = _unpack_reps, _unpack_hops
        for (key, _, _, rpe, disc, ended, n_samples, reps_blob, hops_blob), m, em in zip(rows, metas, end_metas):
            st = new_set(SetData)
            st.__dict__ = {
                "set_no": m.get("set"), "exercise": m.get("exercise") or "unknown",
                "mode": m.get("mode") or "strength", "mount": m.get("mount") or "waist",
                "side": m.get("side"), "tempo": m.get("tempo"), "load_kg": m.get("load_kg"),
                "t_ms": m.get("t_ms", 0), "meta": m,
                "reps": unpack_reps(reps_blob) if reps_blob else [],
                "hops": unpack_hops(hops_blob) if hops_blob else [],
                "samples": [], "rpe": _whole(rpe), "discomfort": _whole(disc), "ended": bool(ended),
                "end_meta": em, "n_samples": n_samples}
            by_key[key].sets.append(st)
        return result

    # -- partial transfers ---------------------------------------------
    def save_partial(self, device_id, session_id, size, data):
        """Remember the first len(data) bytes of a session of `size` bytes (replaces what was kept)."""
        with self._tx():
            self.db.execute("INSERT OR REPLACE INTO partials VALUES (?,?,?,?,?)",
                            (str(device_id), int(session_id), int(size), bytes(data), int(time.time())))

    def load_partial(self, device_id, session_id):
        """(size, bytes) kept for this session, or None."""
        row = self.db.execute("SELECT size, data FROM partials WHERE device_id=? AND session_id=?",
                              (str(device_id), int(session_id))).fetchone()
        return None if row is None else (row[0], bytes(row[1]))

    def drop_partial(self, device_id, session_id):
        with self._tx():
            self.db.execute("DELETE FROM partials WHERE device_id=? AND session_id=?",
                            (str(device_id), int(session_id)))


def _statements(script):
    return [s.strip() for s in script.split(";") if s.strip()]


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any exception (autocommit connection)."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
        return False
