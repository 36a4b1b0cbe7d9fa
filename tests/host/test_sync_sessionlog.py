"""Sync against FIRMWARE's real SessionLog on a temp dir, served over a pty by LinkServer."""

import os

import pytest

from conftest import ROOT, require
from repcore import record
from repclip.link.client import LinkClient
from repclip.link.errors import BoardUnplugged
from repclip.link.sync import sync
from repclip.link.testing import PtyDevice, firmware_lib, make_session
from repclip.link.transport import SerialTransport
from repclip.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs os.openpty")

firmware_lib()


def _session_log(root):
    require((ROOT / "firmware" / "lib" / "repclip_board" / "sessionlog.py").is_file(), "SessionLog (FIRMWARE)")
    from repclip_board.sessionlog import SessionLog

    return SessionLog(str(root), reserve=0)


def _record(log, n_records_from):
    """Write one session through the writer API from the records of a make_session() blob."""
    recs, _ = record.read_records(n_records_from)
    sid = log.start_session({"v": 1, "device": "RC-TEST", "fw": "0.1.0", "clock": 1_760_000_000})
    for off, rtype, payload in recs[1:]:
        if rtype == record.SESSION_END:
            break
        log.append(record.encode_record(rtype, payload))
    log.end_session({"sets": 1, "t_ms": 1000})
    with open(log.path(sid), "rb") as f:
        return sid, f.read()


def test_sync_pulls_closed_sessions_from_the_real_session_log_and_leaves_the_open_one(tmp_path):
    log = _session_log(tmp_path / "flash")
    written = dict(_record(log, make_session(i, pad=5000 * i)) for i in range(1, 4))
    open_sid = log.start_session({"v": 1, "device": "RC-TEST"})  # a set being recorded right now
    dev = PtyDevice(log)
    try:
        with Store(tmp_path / "s.db") as store:
            transport = SerialTransport(dev.port)
            report = sync(LinkClient(transport), store)
            transport.close()
            assert report.ok and len(report.stored) == 3
            assert sorted(sid for sid, _, _ in report.pulled) == sorted(written)
            assert report.skipped == [(open_sid, "still being recorded")]
            assert {s.session_id: store.raw(s.key) for s in store.sessions()} == written
        assert log.session_ids() == [open_sid]
    finally:
        dev.close()
        log.close()
    # The id counter survives: a new session never reuses a synced id.
    log2 = _session_log(tmp_path / "flash")
    assert log2.next_id() > max(written)


def test_unplug_mid_session_then_resume_with_the_real_session_log(tmp_path):
    log = _session_log(tmp_path / "flash")
    sid, raw = _record(log, make_session(1, pad=150_000))
    dev = PtyDevice(log)

    class CutAt:
        seen = 0

        def start(self, total):
            pass

        def update(self, n):
            CutAt.seen += n
            if CutAt.seen > 60_000 and not dev._stop.is_set():
                dev.unplug()

        def finish(self):
            pass

    with Store(tmp_path / "s.db") as store:
        transport = SerialTransport(dev.port)
        with pytest.raises(BoardUnplugged):
            sync(LinkClient(transport, timeout=0.3, retries=2), store, progress=CutAt())
        transport.close()
        kept = len(store.load_partial("RC-TEST", sid)[1])
        assert log.session_ids() == [sid]
        dev2 = PtyDevice(log)
        try:
            transport = SerialTransport(dev2.port)
            report = sync(LinkClient(transport), store)
            transport.close()
        finally:
            dev2.close()
        assert report.ok and report.bytes_read == len(raw) - kept
        assert store.raw(report.stored[0]) == raw and log.session_ids() == []
