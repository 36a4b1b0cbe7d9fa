"""serve_link(): the firmware's LinkServer over a virtual flash dir on a pty, synced by the real host."""

import os

import pytest
from fwtools import need_sessionlog

from repclip.link.client import LinkClient
from repclip.link.sync import sync
from repclip.link.testing import make_session
from repclip.link.transport import SerialTransport
from repclip.sim import serve_link
from repclip.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs os.openpty")


def test_sync_from_a_flash_dir_over_the_pty(tmp_path):
    need_sessionlog()
    flash = tmp_path / "flash"
    flash.mkdir()
    raws = {sid: make_session(sid, device="RC-0A1B2C") for sid in (3, 4)}
    for sid, raw in raws.items():
        (flash / ("S%08d.rcl" % sid)).write_bytes(raw)
    with serve_link(flash) as port:
        assert os.path.exists(port)
        assert port.server.hello_info()["device"] == "RC-0A1B2C"  # named like the board that wrote the files
        transport = SerialTransport(port)
        try:
            with Store(tmp_path / "s.db") as store:
                report = sync(LinkClient(transport), store, now=lambda: 1_767_000_000)
                assert {x.session_id: store.raw(x.key) for x in store.sessions()} == raws
        finally:
            transport.close()
        assert port.clocks == [1_767_000_000]  # the host set the board's clock
    assert report is not None
    assert not list(flash.glob("S*.rcl"))  # freed only after the host committed them
