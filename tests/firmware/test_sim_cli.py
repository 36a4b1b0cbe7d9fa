"""`repclip sim` and the trace loader: clear errors, no tracebacks."""

from click.testing import CliRunner

from repclip.cli import main
from repclip.sim.api import simulate
from repclip.sim.trace_source import TraceError, load_trace

import pathlib
import pytest

PROBE = pathlib.Path(__file__).parent / "probe_fw"


def test_missing_trace_is_a_clear_error():
    result = CliRunner().invoke(main, ["sim", "/no/such/trace.csv"])
    assert result.exit_code != 0
    assert "no such trace file" in result.output and "Traceback" not in result.output


def test_bad_trace_lines_are_named(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("# odr_hz=208\nt_us,ax,ay,az,gx,gy,gz\n0,0,0,9.8,0,0,0\n10,0,0,9.8,zero,0,0\n")
    with pytest.raises(TraceError, match=r"t\.csv line 4: expected 7 numbers"):
        load_trace(p)
    p.write_text("t_us,ax,ay,az\n0,0,0,9.8\n")
    with pytest.raises(TraceError, match="missing column"):
        load_trace(p)
    p.write_text("t_us,ax,ay,az,gx,gy,gz\n10,0,0,9.8,0,0,0\n5,0,0,9.8,0,0,0\n")
    with pytest.raises(TraceError, match="does not increase"):
        load_trace(p)
    result = CliRunner().invoke(main, ["sim", str(p)])
    assert result.exit_code != 0 and "does not increase" in result.output


def test_bad_setting_override():
    result = CliRunner().invoke(main, ["sim", "x.csv", "--set", "NOEQUALS"])
    assert result.exit_code != 0 and "KEY=VALUE" in result.output


def test_simulate_api_on_the_probe_firmware(tmp_path):
    p = tmp_path / "t.csv"
    rows = ["%d,0,0,9.80665,0,0,0" % (i * 4808) for i in range(208)]
    p.write_text("# mode=strength\nt_us,ax,ay,az,gx,gy,gz\n" + "\n".join(rows) + "\n")
    res = simulate(p, tmp_path / "flash", firmware_dir=PROBE, png_dir=tmp_path / "png")
    assert res.stop_reason.startswith("virtual time limit")
    assert res.frames and all(f.suffix == ".png" and f.stat().st_size > 0 for f in res.frames)
    from PIL import Image

    assert Image.open(res.frames[-1]).size == (128, 64)
    assert res.session_ids == []  # the probe stores nothing
    assert any(on for _, on, _ in res.buzzer)  # the scenario's presses beeped
    assert "key 1 pressed" in res.console
