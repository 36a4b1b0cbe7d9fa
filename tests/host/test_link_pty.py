"""The link over a real pseudo-terminal pair: the device (LinkServer) in a thread, the host through pyserial."""

import json
import os

import pytest
from click.testing import CliRunner

from repclip.link.cli import sync_command
from repclip.link.client import LinkClient
from repclip.link.errors import BoardUnplugged, PortBusy
from repclip.link.sync import sync
from repclip.link.testing import MemoryLog, PtyDevice, make_session
from repclip.link.transport import SerialTransport
from repclip.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs os.openpty")


@pytest.fixture
def device():
    devs = []

    def make(log, **kw):
        d = PtyDevice(log, **kw)
        devs.append(d)
        return d

    yield make
    for d in devs:
        d.close()


def test_cli_sync_over_a_pty_stores_each_session_once_and_frees_the_device(device, tmp_path):
    raws = {i: make_session(i, pad=7000 * i) for i in (1, 2, 3)}
    log = MemoryLog(raws, open_ids=set())
    log.files[4] = bytearray(make_session(4))
    log.open_ids.add(4)  # being recorded: must stay
    dev = device(log)
    plan = tmp_path / "today.json"
    plan.write_text(json.dumps({"exercise": "split_squat", "sets": 3, "reps": 8, "tempo": "3-1-1"}))
    db = tmp_path / "s.db"
    runner = CliRunner()
    result = runner.invoke(sync_command, ["--port", dev.port, "--db", str(db), "--push-plan", str(plan)])
    assert result.exit_code == 0, result.output
    assert "pulled 3 sessions" in result.output and "plan pushed" in result.output
    assert "session 4 skipped: still being recorded" in result.output
    assert sorted(log.files) == [4] and log.deleted == [1, 2, 3]
    assert dev.plans == [{"exercise": "split_squat", "sets": 3, "reps": 8, "tempo": "3-1-1"}]
    assert len(dev.clocks) == 1 and dev.clocks[0] > 1_700_000_000
    with Store(db) as s:
        assert {x.session_id: s.raw(x.key) for x in s.sessions()} == raws
    # A second sync finds nothing new and stores nothing twice.
    result = runner.invoke(sync_command, ["--port", dev.port, "--db", str(db), "--no-set-clock"])
    assert result.exit_code == 0 and "pulled 0 sessions" in result.output
    assert len(dev.clocks) == 1
    with Store(db) as s:
        assert s.count() == 3


def test_a_port_held_by_another_program_is_reported_busy(device, tmp_path):
    dev = device(MemoryLog({1: make_session(1)}))
    holder = SerialTransport(dev.port)
    try:
        with pytest.raises(PortBusy, match="busy"):
            SerialTransport(dev.port)
        result = CliRunner().invoke(sync_command, ["--port", dev.port, "--db", str(tmp_path / "b.db")])
        assert result.exit_code == 1 and "busy" in result.output and "Traceback" not in result.output
    finally:
        holder.close()
    assert 1 in dev.log.files


def test_missing_port_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(sync_command, ["--port", str(tmp_path / "ttyACM9"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_unplugged_mid_transfer_keeps_the_bytes_and_the_next_sync_reads_only_the_rest(device, tmp_path):
    raw = make_session(1, pad=120_000)
    log = MemoryLog({1: raw})
    dev = device(log)
    store = Store(tmp_path / "u.db")

    class Unplug:
        seen = 0

        def start(self, total):
            pass

        def update(self, n):
            Unplug.seen += n
            if Unplug.seen >= 50_000 and not dev._stop.is_set():
                dev.unplug()  # the port vanishes under the host

        def finish(self):
            pass

    transport = SerialTransport(dev.port)
    with pytest.raises(BoardUnplugged, match="unplugged"):
        sync(LinkClient(transport, timeout=0.3, retries=3), store, progress=Unplug())
    transport.close()
    kept = store.load_partial("RC-TEST", 1)
    assert kept is not None and kept[0] == len(raw) and kept[1] == raw[:len(kept[1])]
    assert 50_000 <= len(kept[1]) < len(raw)
    assert list(log.files) == [1]  # nothing acked, nothing deleted
    # Plug back in: a new port, the same flash.
    dev2 = device(log)
    transport = SerialTransport(dev2.port)
    report = sync(LinkClient(transport), store)
    transport.close()
    assert report.ok and report.resumed_from == {1: len(kept[1])}
    assert report.bytes_read == len(raw) - len(kept[1])  # only the remainder was read
    assert store.count() == 1 and store.raw(store.sessions()[0].key) == raw
    assert log.files == {} and store.load_partial("RC-TEST", 1) is None
    store.close()


def test_big_session_over_pty_with_small_frames(device, tmp_path):
    raw = make_session(8, n_sets=6, reps=20, pad=60_000)
    dev = device(MemoryLog({8: raw}), chunk=256)
    transport = SerialTransport(dev.port)
    with Store(tmp_path / "p.db") as store:
        report = sync(LinkClient(transport), store, set_clock=False)
        assert report.pulled and store.raw(report.pulled[0][1]) == raw
    transport.close()
    windows = -(-len(raw) // 32768)
    assert report.retries == 0 and dev.server.requests == 3 + windows  # HELLO, LIST, READ per 32 KB window, ACK
    assert dev.server.errors == 0


def test_push_plan_from_the_sample_plan_toml_sends_todays_prescription(device, tmp_path):
    import datetime
    import pathlib

    import repclip

    sample = pathlib.Path(repclip.__file__).parent / "data" / "sample_plan.toml"
    if not sample.is_file():
        pytest.skip("PLAN's sample plan is not there yet")
    dev = device(MemoryLog({}))
    result = CliRunner().invoke(sync_command, ["--port", dev.port, "--db", str(tmp_path / "p.db"),
                                               "--push-plan", str(sample)])
    assert result.exit_code == 0, result.output
    assert len(dev.plans) == 1 and dev.plans[0]["date"] == datetime.date.today().isoformat()
    assert "exercises" in dev.plans[0]


def test_a_broken_plan_file_is_refused_before_touching_the_board(device, tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text("[athlete\nname = 1\n")
    dev = device(MemoryLog({1: make_session(1)}))
    result = CliRunner().invoke(sync_command, ["--port", dev.port, "--db", str(tmp_path / "p.db"),
                                               "--push-plan", str(bad)])
    assert result.exit_code == 2 and "line 1" in result.output and "Traceback" not in result.output
    assert 1 in dev.log.files and dev.server.requests == 0
