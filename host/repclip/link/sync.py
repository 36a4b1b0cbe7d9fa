"""Sync: pull every finished session off the board into the store, exactly once.

    HELLO -> (CLOCK) -> LIST -> for each complete session:
        already stored (same device, id, size)?  ACK it (a crash between commit and ack)
        else READ from the resume offset (bytes kept in the store's partials table)
             -> verify (parse_session; size) -> commit in one transaction -> ACK
    -> (PLAN)

Guarantees: the device deletes a session only after an ACK whose size and
CRC-16 match its file, and the host sends that ACK only after the session is
committed to SQLite. A cut cable or a crash at any point leaves either the
partial bytes (resumed next time) or the stored session (acked next time);
the store's (device, session, crc) key makes a second commit a no-op.
"""

import time

from repcore import protocol as P
from repcore.crc16 import crc16
from repclip.link.errors import DeviceError, LinkError
from repclip.session import SessionFormatError

# Partial progress is saved when the link fails, and along the way whenever the
# received bytes have grown by half since the last save (at least this much):
# each save rewrites the whole prefix, so geometric spacing keeps the total
# written linear in the session size while a hard crash loses at most a third.
PARTIAL_SAVE_MIN = 65536


class SyncReport:
    def __init__(self):
        self.device = None
        self.hello = {}
        self.pulled = []  # (session id, store key, bytes)
        self.acked_stored = []  # session ids already stored, freed now
        self.skipped = []  # (session id, reason): recording, raw-only etc.
        self.failed = []  # (session id, reason)
        self.warnings = []  # things that did not stop the sync (e.g. a device without a settable clock)
        self.bytes_read = 0
        self.resumed_from = {}  # session id -> offset a transfer resumed at
        self.clock_set = None
        self.plan_pushed = None
        self.retries = 0

    @property
    def ok(self):
        return not self.failed

    @property
    def stored(self):
        """Store keys of the sessions this sync committed."""
        return [key for _, key, _ in self.pulled]

    def __str__(self):
        return self.summary()

    def summary(self):
        parts = ["pulled %d session%s (%d bytes)" % (len(self.pulled), "" if len(self.pulled) == 1 else "s",
                                                     self.bytes_read)]
        if self.acked_stored:
            parts.append("freed %d already stored" % len(self.acked_stored))
        if self.resumed_from:
            parts.append("resumed %d" % len(self.resumed_from))
        if self.skipped:
            parts.append("skipped %d" % len(self.skipped))
        if self.failed:
            parts.append("FAILED %d" % len(self.failed))
        if self.clock_set is not None:
            parts.append("clock set")
        if self.plan_pushed:
            parts.append("plan pushed")
        return "; ".join(parts)


class _NoProgress:
    def start(self, total):
        pass

    def update(self, n):
        pass

    def finish(self):
        pass


def sync(client, store, set_clock=True, prescription=None, progress=None, now=time.time,
         after_commit=None):
    """Run one sync over `client` (LinkClient) into `store` (repclip.store.Store); returns SyncReport.

    LinkError propagates (after partial bytes are saved) so the caller can
    report it; per-session problems land in report.failed and the rest go on.
    `after_commit(session_id)` is a test hook between commit and ACK.
    """
    progress = progress or _NoProgress()
    report = SyncReport()
    hello = client.hello()
    report.hello = hello
    device = str(hello.get("device") or "unknown")
    report.device = device
    if set_clock:
        t = int(now())
        try:
            if client.set_clock(t) == P.OK:
                report.clock_set = t
        except DeviceError as e:
            report.warnings.append("the board's clock was not set: %s" % e.device_message)
    entries = client.list_sessions()
    todo = []
    for sid, size, flags in entries:
        if not flags & P.F_COMPLETE:
            report.skipped.append((sid, "still being recorded"))
            continue
        todo.append((sid, size))
    total = 0
    plans = []
    for sid, size in todo:
        stored = store.find_session(device, sid, size)
        if stored:
            plans.append((sid, size, stored[0]))
            continue
        partial = store.load_partial(device, sid)
        have = len(partial[1]) if partial and partial[0] == size else 0
        total += size - have
        plans.append((sid, size, None))
    progress.start(total)
    try:
        for sid, size, stored in plans:
            if stored is not None and _ack_stored(client, report, sid, size, stored):
                continue  # stored by an earlier sync that died before its ACK: freed now
            try:
                _pull_one(client, store, report, device, sid, size, progress, after_commit)
            except (DeviceError, SessionFormatError) as e:
                report.failed.append((sid, str(e)))
        if prescription is not None:
            try:
                report.plan_pushed = client.push_plan(prescription) == P.OK
            except DeviceError as e:
                report.failed.append((None, "pushing the plan: %s" % e))
    finally:
        progress.finish()
        report.retries = client.retry_count
    return report


def _ack_stored(client, report, sid, size, stored):
    """ACK a session the store already holds. False when the device's file differs (pull it as new)."""
    key, _, crc = stored
    if client.ack(sid, size, crc) == P.OK:
        report.acked_stored.append(sid)
        return True
    return False  # same id and size, other bytes (an id counter that was reset): a different session


def _pull_one(client, store, report, device, sid, size, progress, after_commit):
    partial = store.load_partial(device, sid)
    buf = bytearray()
    if partial is not None:
        if partial[0] == size and len(partial[1]) <= size:
            buf += partial[1]
            report.resumed_from[sid] = len(buf)
        else:
            store.drop_partial(device, sid)  # the file changed since: start over
    saved = [len(buf)]

    def sink(offset, chunk):
        buf[offset:offset + len(chunk)] = chunk
        report.bytes_read += len(chunk)
        progress.update(len(chunk))
        if len(buf) - saved[0] >= max(PARTIAL_SAVE_MIN, saved[0] // 2):
            store.save_partial(device, sid, size, buf)
            saved[0] = len(buf)

    try:
        client.read_session(sid, len(buf), size, sink)
    except (LinkError, KeyboardInterrupt):  # keep what came, so the next sync resumes
        if len(buf) > saved[0]:
            store.save_partial(device, sid, size, buf)
        raise
    raw = bytes(buf)
    if len(raw) != size:
        raise DeviceError(P.E_MISMATCH, "got %d bytes, expected %d" % (len(raw), size), "READ session %d" % sid)
    key, _ = store.add_session(raw, source="device", device_id=device)  # parses; one transaction
    if after_commit is not None:
        after_commit(sid)
    status = client.ack(sid, size, crc16(raw))
    if status != P.OK:
        # The device holds different bytes than we stored (it should never): keep the device copy,
        # drop ours so the next sync pulls it again.
        store.remove(key)
        report.failed.append((sid, "the device reported a checksum mismatch for session %d; it was kept on "
                                   "the device and will be pulled again" % sid))
        return
    report.pulled.append((sid, key, size))
