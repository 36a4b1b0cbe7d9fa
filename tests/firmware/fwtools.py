"""Shared helpers for the tests that run the real firmware on the virtual board."""

import pathlib

from conftest import require

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"


def need_firmware():
    require((FIRMWARE / "code.py").is_file() and (FIRMWARE / "lib" / "repclip_board" / "app.py").is_file(),
            "firmware/code.py and repclip_board/app.py (FIRMWARE's) are not there yet")


def need_engine():
    try:
        from repcore.engine import Engine  # noqa: F401
    except ImportError:
        require(False, "repcore.engine (ENGINE's) is not there yet")


def need_sessionlog():
    require((FIRMWARE / "lib" / "repclip_board" / "sessionlog.py").is_file(),
            "repclip_board/sessionlog.py (FIRMWARE's) is not there yet")


def write_trace(path, rows, mode, exercise, hz=208):
    with open(path, "w") as f:
        f.write("# sensor=synthetic\n# odr_hz=%d\n# mount=waist\n# mode=%s\n# exercise=%s\n" % (hz, mode, exercise))
        f.write("t_us,ax,ay,az,gx,gy,gz\n")
        for r in rows:
            f.write("%d,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f\n" % tuple(r))
    return path


def squat_trace(tmp_path, reps=4):
    """A recorded squat set: tests/traces if TRACES has one, else a synthetic 3-1-1 set."""
    found = sorted((ROOT / "tests" / "traces").glob("*squat*.csv"))
    if found:
        return found[0]
    from repclip.mpyrun import synthetic_squats

    return write_trace(tmp_path / "squats.csv", synthetic_squats(reps=reps, hz=208), "strength", "goblet_squat")


def hop_trace(tmp_path, hops=6):
    found = sorted((ROOT / "tests" / "traces").glob("*hop*.csv"))
    if found:
        return found[0]
    from repclip.mpyrun import synthetic_hops

    return write_trace(tmp_path / "hops.csv", synthetic_hops(hops=hops, hz=416), "hops", "pogo_hops", hz=416)


def reference_events(trace_path, mode, tempo=None):
    """The engine's events on the trace itself (no board): what the firmware must agree with."""
    from repcore.engine import Engine

    from repclip.sim.trace_source import load_trace

    trace = load_trace(trace_path)
    # the lift as the board has it (the simulator selects the trace's exercise)
    kwargs = {"mode": mode, "mount": trace.meta.get("mount", "waist"), "exercise": trace.meta.get("exercise")}
    if tempo:
        kwargs["tempo"] = tempo
    eng = Engine(**kwargs)
    events = []
    for row in trace.rows:
        ev = eng.feed(row[0] - trace.t0_us, *row[1:])
        if ev is not None:
            events.append(ev)
    ev = eng.finish()
    while ev is not None:
        events.append(ev)
        ev = eng.finish()
    return events
