"""The firmware's own LinkServer, running in the app on the virtual board, synced by the real host over a pty."""

import os

import pytest
from fwtools import need_firmware, squat_trace

from repclip.link.client import LinkClient
from repclip.link.sync import sync
from repclip.link.transport import SerialTransport
from repclip.session import parse_session
from repclip.sim import simulate
from repclip.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs os.openpty")


def test_sync_from_the_running_firmware(tmp_path):
    need_firmware()
    db = tmp_path / "s.db"
    reports = []

    def host(port):
        transport = SerialTransport(port)
        try:
            with Store(db) as store:
                reports.append(sync(LinkClient(transport), store, now=lambda: 1_767_000_000))
        finally:
            transport.close()

    result = simulate(squat_trace(tmp_path), tmp_path / "flash", exercise="goblet_squat", mode="strength",
                      serve=host)
    assert result.stop_reason == "the host is done" and reports
    with Store(db) as store:
        stored = [parse_session(store.raw(x.key)) for x in store.sessions()]
    assert len(stored) == 1
    s = stored[0].sets[0]
    assert s.exercise == "goblet_squat" and len(s.reps) >= 1 and s.rpe == 7
    assert stored[0].device_id and stored[0].device_id.startswith("RC-")
    assert not list((tmp_path / "flash").glob("S*.rcl"))  # the board freed it after the host's ack
