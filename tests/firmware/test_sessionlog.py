"""SessionLog on a temp dir: append, power cuts at every byte, ids that never repeat, full flash."""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "firmware" / "lib"))

from repcore import record  # noqa: E402
from repcore.crc16 import crc16  # noqa: E402
from repcore.events import Hop, Rep  # noqa: E402
from repclip.session import parse_session  # noqa: E402
from repclip_board.sessionlog import FlashFullError, SessionLog, SessionLogError  # noqa: E402


def _statvfs(free_bytes):
    def statvfs(path):
        return os.statvfs_result((512, 512, 4096, free_bytes // 512, free_bytes // 512, 0, 0, 0, 0, 255))

    return statvfs


@pytest.fixture
def roomy(monkeypatch):
    monkeypatch.setattr(os, "statvfs", _statvfs(1 << 20))


def _write_session(log, reps=3, end=True):
    sid = log.start_session({"v": 1, "device": "RC-T", "fw": "t", "clock": 0})
    log.append_json(record.SET_START, {"set": 1, "exercise": "goblet_squat", "mode": "strength",
                                       "mount": "waist", "side": None, "tempo": "3-1-1",
                                       "load_kg": 16.0, "t_ms": 10})
    for i in range(reps):
        t = i * 5_000_000
        log.append(record.encode_rep(1, Rep(i + 1, t, t + 3_000_000, t + 4_000_000, t + 5_000_000,
                                            40.0, 0.4, 0, 0, 0)))
    log.append_json(record.SET_END, {"set": 1, "reps": reps, "hops": 0, "rpe": 7, "discomfort": 1,
                                     "t_ms": 20_000})
    log.sync()
    if end:
        log.end_session({"sets": 1, "t_ms": 21_000})
    return sid


def test_written_session_parses_on_the_host(tmp_path, roomy):
    log = SessionLog(str(tmp_path / "repclip"))
    sid = _write_session(log, reps=4)
    data = (tmp_path / "repclip" / ("S%08d.rcl" % sid)).read_bytes()
    sess = parse_session(data)
    assert sess.session_id == sid and sess.ended and sess.tail is None
    (s,) = sess.sets
    assert [r.index for r in s.reps] == [1, 2, 3, 4]
    assert s.rpe == 7 and s.discomfort == 1 and s.tempo == "3-1-1"
    assert log.session_ids() == [sid]
    assert log.size(sid) == len(data)
    assert log.crc(sid) == crc16(data)
    assert log.is_complete(sid) and not log.is_raw(sid)
    buf = bytearray(10)
    assert log.read_into(sid, 5, memoryview(buf)) == 10 and bytes(buf) == data[5:15]
    assert log.read_into(sid, len(data), memoryview(buf)) == 0


def test_open_session_is_incomplete_and_cannot_be_deleted(tmp_path, roomy):
    log = SessionLog(str(tmp_path))
    sid = _write_session(log, end=False)
    assert not log.is_complete(sid)
    assert log.size(sid) == os.path.getsize(log.path(sid))
    with pytest.raises(SessionLogError, match="being recorded"):
        log.delete(sid)
    with pytest.raises(SessionLogError, match="still open"):
        log.start_session({})
    log.end_session({"sets": 1, "t_ms": 1})
    assert log.is_complete(sid)
    log.delete(sid)
    assert log.session_ids() == []


def test_every_record_is_one_write_call(tmp_path, roomy):
    log = SessionLog(str(tmp_path))
    sid = log.start_session({"v": 1})
    writes = []
    real = log._file

    class Spy:
        def write(self, b):
            writes.append(bytes(b))
            return real.write(b)

        def flush(self):
            real.flush()

        def close(self):
            real.close()

    log._file = Spy()
    rec = record.encode_hop(1, Hop(1, 1000, 300_000, None, 3.2, 120.0, "moderate"))
    log.append_json(record.SET_START, {"set": 1, "mode": "hops"})
    log.append(rec)
    log.end_session({"sets": 1, "t_ms": 5})
    assert [w[0] for w in writes] == [record.MAGIC] * 3
    assert writes[1] == rec
    records, tail = record.read_records(pathlib.Path(log.path(sid)).read_bytes())
    assert tail is None and len(records) == 4


def test_power_cut_at_every_byte_keeps_earlier_records(tmp_path, roomy):
    log = SessionLog(str(tmp_path))
    sid = _write_session(log, reps=2)
    data = pathlib.Path(log.path(sid)).read_bytes()
    records, _ = record.read_records(data)
    starts = [off for off, _, _ in records] + [len(data)]
    for cut in range(len(data) + 1):
        recs, tail = record.read_records(data[:cut])
        whole = sum(1 for end in starts[1:] if end <= cut)
        assert len(recs) == whole, cut
        assert [r[2] for r in recs] == [r[2] for r in records[:whole]]
        assert (tail is None) == (cut in starts)
        if whole >= 1:  # the SESSION record made it: the host parses what survived
            sess = parse_session(data[:cut])
            assert sess.tail == tail


def test_ids_never_repeat_even_after_deletes_and_a_torn_counter(tmp_path, roomy):
    root = tmp_path / "d"
    log = SessionLog(str(root))
    a = _write_session(log)
    b = _write_session(log)
    assert b == a + 1
    log.delete(a)
    log.delete(b)
    counter = root / "next.rcl"
    counter.write_bytes(counter.read_bytes() + b"\xc5\x08\x40")  # torn counter record
    log2 = SessionLog(str(root))  # a reboot
    c = _write_session(log2)
    assert c == b + 1


def test_counter_lost_still_skips_existing_files(tmp_path, roomy):
    log = SessionLog(str(tmp_path))
    a = _write_session(log)
    (tmp_path / "next.rcl").unlink()
    assert _write_session(SessionLog(str(tmp_path))) == a + 1


def test_full_flash_refuses_a_new_session_and_keeps_old_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "statvfs", _statvfs(1 << 20))
    log = SessionLog(str(tmp_path), reserve=65536)
    sid = _write_session(log)
    before = pathlib.Path(log.path(sid)).read_bytes()
    monkeypatch.setattr(os, "statvfs", _statvfs(20 * 1024))
    with pytest.raises(FlashFullError, match=r"flash full: 20 KB free.*repclip sync"):
        log.start_session({"v": 1})
    assert log.session_ids() == [sid] and log.open_sid is None
    assert pathlib.Path(log.path(sid)).read_bytes() == before


def test_raw_flag_comes_from_the_session_record(tmp_path, roomy):
    log = SessionLog(str(tmp_path))
    sid = log.start_session({"v": 1, "raw": True})
    log.append(record.encode_samples(1, 0, [(0, 0.0, 0.0, 9.81, 0.0, 0.0, 0.0)]))
    log.end_session({"sets": 0, "t_ms": 1})
    assert SessionLog(str(tmp_path)).is_raw(sid)


def test_missing_unwritable_dir_lists_nothing_and_start_says_why(tmp_path, roomy):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    log = SessionLog(str(blocker / "repclip"))  # cannot be created
    assert log.session_ids() == []
    with pytest.raises(OSError):
        log.start_session({"v": 1})
