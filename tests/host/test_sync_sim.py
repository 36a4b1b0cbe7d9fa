"""End to end with the virtual board: the real firmware records a set, then `sync` pulls it over a pty.

Needs SIM's repclip.sim (simulate, serve_link), FIRMWARE's app and SessionLog,
and a labelled trace; skipped locally until they exist, required in CI.
"""

import pathlib

import pytest

from conftest import ROOT, require

try:
    from repclip.sim import serve_link, simulate
except ImportError:  # SIM not there yet
    serve_link = simulate = None


def _a_strength_trace(tmp_path):
    """A squat trace from the repo's traces, else a synthetic one (MPY's generator) written as trace CSV."""
    base = ROOT / "tests" / "traces"
    for path in sorted(base.rglob("*.csv")) if base.is_dir() else ():
        text = path.read_text(errors="replace")[:2000].lower()
        if "squat" in text and "label" not in path.name:
            return path
    try:
        from repclip.mpyrun import synthetic_squats
    except ImportError:
        return None
    path = tmp_path / "synthetic_squats.csv"
    lines = ["# exercise=goblet_squat", "# mode=strength", "# mount=waist", "# odr_hz=208",
             "t_us,ax,ay,az,gx,gy,gz"]
    lines += [",".join([str(int(r[0]))] + ["%.5f" % v for v in r[1:7]]) for r in synthetic_squats(reps=3)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_a_simulated_set_is_synced_once_and_freed_on_the_virtual_board(tmp_path):
    require(simulate is not None, "repclip.sim.simulate/serve_link (SIM)")
    require((ROOT / "firmware" / "lib" / "repclip_board" / "sessionlog.py").is_file(), "SessionLog (FIRMWARE)")
    require((ROOT / "firmware" / "lib" / "repclip_board" / "app.py").is_file(), "the firmware app (FIRMWARE)")
    trace = _a_strength_trace(tmp_path)
    require(trace is not None, "a squat trace under tests/traces (TRACES) or repclip.mpyrun")

    from repclip.link.client import LinkClient
    from repclip.link.sync import sync
    from repclip.link.transport import SerialTransport
    from repclip.session import parse_session
    from repclip.store import Store

    flash = tmp_path / "flash"
    flash.mkdir()
    result = simulate(trace, flash)
    assert result.session_ids, "the virtual board recorded no session (stop: %s)" % result.stop_reason
    recorded = {sid: result.session_bytes(sid) for sid in result.session_ids}
    with serve_link(flash) as port, Store(tmp_path / "s.db") as store:
        transport = SerialTransport(str(port))
        try:
            report = sync(LinkClient(transport), store, prescription={"v": 1, "exercises": []})
            again = sync(LinkClient(transport), store)
        finally:
            transport.close()
        assert report.ok, report.failed
        assert sorted(sid for sid, _, _ in report.pulled) == sorted(recorded)
        assert again.pulled == [] and store.count() == len(recorded)
        for s in store.sessions():
            assert store.raw(s.key) == recorded[s.session_id]
            assert [len(x.reps) for x in s.sets] == [len(x.reps) for x in parse_session(recorded[s.session_id]).sets]
        assert len(port.plans) == 1 and len(port.clocks) == 2
    left = [p for p in pathlib.Path(flash).rglob("S*.rcl")]
    assert left == [], "device flash still holds %s after the ACKs" % left
