"""Sync guarantees under faults: every session stored exactly once, deleted on the device only after commit."""

import random

import pytest

from repcore import protocol as P
from repcore.crc16 import crc16
from repclip.link.client import LinkClient
from repclip.link.errors import LinkError
from repclip.link.sync import sync
from repclip.link.testing import FaultyRelay, GuardedLog, MemoryLog, firmware_lib, make_session, run_until_synced
from repclip.store import Store

firmware_lib()
from repclip_board.linkserver import LinkServer  # noqa: E402

HELLO = {"device": "RC-TEST", "fw": "0.1.0"}


def _relay(log, rng, **faults):
    return FaultyRelay(lambda s: LinkServer(s, log, lambda: HELLO, on_plan=lambda o: None,
                                            on_clock=lambda t: None), rng, **faults)


def test_a_hundred_randomized_faulty_syncs_lose_and_duplicate_nothing(tmp_path):
    total_attempts = total_retries = 0
    for seed in range(100):
        r = run_until_synced(seed, tmp_path / ("f%d.db" % seed))
        assert not r.left_on_device, "seed %d: device still holds %s" % (seed, r.left_on_device)
        assert r.lost == r.duplicated == r.corrupted == r.early_deletes == [], "seed %d" % seed
        assert r.stored == r.originals
        total_attempts += r.attempts
        total_retries += r.retries
    assert total_attempts > 100 and total_retries > 100  # the faults really cut syncs short


def _clean_client(log):
    return LinkClient(_relay(log, random.Random(1), p_drop=0, p_flip=0, p_trunc=0, p_cut=0, p_junk=0))


def test_crash_between_commit_and_ack_is_acked_next_time_without_a_second_copy(tmp_path):
    raws = {1: make_session(1), 2: make_session(2)}
    with Store(tmp_path / "c.db") as store:
        log = GuardedLog(raws, store)

        def crash(sid):
            raise SystemExit("host killed after committing session %d" % sid)

        with pytest.raises(SystemExit):
            sync(_clean_client(log), store, after_commit=crash)
        assert store.count() == 1 and sorted(log.files) == [1, 2]  # stored, not yet freed
        report = sync(_clean_client(log), store)
        assert report.acked_stored == [1] and [p[0] for p in report.pulled] == [2]
        assert report.bytes_read == len(raws[2])  # session 1 was not read again
        assert store.count() == 2 and log.files == {} and log.early_deletes == []


def test_garbled_frames_are_retried_and_the_bytes_come_out_right(tmp_path):
    raw = make_session(3, pad=20_000)

    class FlipEveryFifth(FaultyRelay):
        reads = 0

        def _mangle(self, data):
            FlipEveryFifth.reads += 1
            if data and FlipEveryFifth.reads % 5 == 0:
                data = bytearray(data)
                data[len(data) // 2] ^= 0x10
                self.faults += 1
            return bytes(data)

    log = MemoryLog({3: raw})
    relay = FlipEveryFifth(lambda s: LinkServer(s, log, lambda: HELLO, on_clock=lambda t: None), random.Random(2),
                            p_drop=0, p_flip=0, p_trunc=0, p_cut=0, p_junk=0)
    client = LinkClient(relay)
    with Store(tmp_path / "g.db") as store:
        report = sync(client, store)
        assert report.ok and relay.faults > 0 and report.retries > 0
        assert store.raw(report.pulled[0][1]) == raw and log.files == {}
        assert client.reader.bad_frames > 0


def test_resume_mid_session_reads_only_the_remainder(tmp_path):
    raw = make_session(5, pad=100_000)
    log = MemoryLog({5: raw})
    with Store(tmp_path / "r.db") as store:
        relay = _relay(log, random.Random(3), p_drop=0, p_flip=0, p_trunc=0, p_cut=0, p_junk=0)

        real_read = relay.read

        def read_then_cut(n=4096, timeout=0.5):
            if relay.server.requests and client.data_bytes > 40_000:
                relay.cut = True
            return real_read(n, timeout)

        relay.read = read_then_cut
        client = LinkClient(relay)
        with pytest.raises(LinkError):
            sync(client, store)
        size, kept = store.load_partial("RC-TEST", 5)
        assert size == len(raw) and kept == raw[:len(kept)] and len(kept) > 40_000
        client2 = _clean_client(log)
        report = sync(client2, store)
        assert report.resumed_from == {5: len(kept)}
        assert report.bytes_read == client2.data_bytes == len(raw) - len(kept)
        assert store.raw(report.pulled[0][1]) == raw


def test_a_device_file_that_changes_before_the_ack_is_not_deleted_and_is_pulled_again(tmp_path):
    raw = make_session(6)
    log = MemoryLog({6: raw})
    with Store(tmp_path / "m.db") as store:
        def tamper(sid):
            log.files[sid][-3] ^= 0xFF  # the device's copy differs from what we committed

        report = sync(_clean_client(log), store, after_commit=tamper)
        assert not report.ok and "mismatch" in report.failed[0][1]
        assert store.count() == 0 and 6 in log.files
        report = sync(_clean_client(log), store)  # pulled again: what the device now holds
        assert report.ok and log.files == {} and store.count() == 1
        stored = store.sessions()[0]
        assert store.raw(stored.key) != raw and stored.tail is not None  # its last record is torn now


def test_an_unparseable_session_stays_on_the_device_and_the_others_sync(tmp_path):
    log = MemoryLog({1: b"garbage that is not a session", 2: make_session(2)})
    with Store(tmp_path / "x.db") as store:
        report = sync(_clean_client(log), store)
        assert [p[0] for p in report.pulled] == [2]
        assert report.failed and report.failed[0][0] == 1 and "SESSION" in report.failed[0][1]
        assert sorted(log.files) == [1]


def test_plan_push_and_clock_status_are_reported(tmp_path):
    log = MemoryLog({})
    with Store(tmp_path / "p.db") as store:
        report = sync(_clean_client(log), store, prescription={"sets": 3}, now=lambda: 1_800_000_000.7)
        assert report.ok and report.plan_pushed and report.clock_set == 1_800_000_000
        assert "plan pushed" in report.summary() and "clock set" in report.summary()
        assert P.OK == 0


def test_a_board_without_a_settable_clock_is_a_warning_not_a_failure(tmp_path):
    log = MemoryLog({1: make_session(1)})
    relay = FaultyRelay(lambda s: LinkServer(s, log, lambda: HELLO), random.Random(4),
                        p_drop=0, p_flip=0, p_trunc=0, p_cut=0, p_junk=0)
    with Store(tmp_path / "w.db") as store:
        report = sync(LinkClient(relay), store)
        assert report.ok and report.clock_set is None and [p[0] for p in report.pulled] == [1]
        assert report.warnings == ["the board's clock was not set: this device has no settable clock"]


def test_ctrl_c_mid_read_keeps_the_bytes_for_the_next_sync(tmp_path):
    raw = make_session(7, pad=60_000)
    log = MemoryLog({7: raw})
    with Store(tmp_path / "k.db") as store:
        class Interrupt:
            seen = 0

            def start(self, total):
                pass

            def update(self, n):
                Interrupt.seen += n
                if Interrupt.seen > 20_000:
                    raise KeyboardInterrupt

            def finish(self):
                pass

        with pytest.raises(KeyboardInterrupt):
            sync(_clean_client(log), store, progress=Interrupt())
        size, kept = store.load_partial("RC-TEST", 7)
        assert size == len(raw) and len(kept) > 20_000 and kept == raw[:len(kept)]
        report = sync(_clean_client(log), store)
        assert report.bytes_read == len(raw) - len(kept) and store.raw(report.stored[0]) == raw


def test_a_new_file_reusing_a_stored_id_and_size_is_pulled_not_mistaken_for_the_stored_one(tmp_path):
    first = make_session(4, reps=6, seed=1)
    second = make_session(4, reps=6, seed=2)  # a wiped board starts its ids over: same id, same size
    assert len(first) == len(second) and first != second
    with Store(tmp_path / "d.db") as store:
        store.add_session(first)
        log = GuardedLog({4: second}, store)
        report = sync(_clean_client(log), store)
        assert report.ok and report.acked_stored == [] and [p[0] for p in report.pulled] == [4]
        assert sorted(store.raw(s.key) for s in store.sessions()) == sorted([first, second])
        assert log.files == {} and log.early_deletes == []
