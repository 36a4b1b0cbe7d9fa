"""`repclip replay`: run the board's engine on a recorded trace.

The same `repcore` code that runs on the board runs here, one sample at a
time, so what replay prints is what the clip would have shown. Mode and mount
come from the trace's metadata unless given; a malformed trace is reported
as file:line and exit code 2.
"""

import json
import sys

import click

from repcore import MODE_HOPS, MODES, MOUNTS
from repcore.engine import Engine, EngineError
from repcore.tempo import TempoError

from repclip.traces import TraceError, read_trace


def run_engine(samples, mode, mount="waist", tempo=None, odr_hz=None, exercise=None):
    """Feed samples (t_us, ax, ay, az, gx, gy, gz) to a fresh Engine: (reps, hops).

    exercise is the lift as the board has it from the prescription (a trace's
    "exercise"): it tells the strength detector which way a rep starts.
    """
    engine = Engine(mode=mode, mount=mount, tempo=tempo, odr_hz=odr_hz, exercise=exercise)
    events = []
    feed = engine.feed
    for s in samples:
        # feed() hands out at most one event; any others wait for the next call.
        ev = feed(s[0], s[1], s[2], s[3], s[4], s[5], s[6])
        if ev is not None:
            events.append(ev)
    ev = engine.finish()
    while ev is not None:
        events.append(ev)
        ev = engine.finish()
    reps = [e for e in events if e.kind == "rep"]
    hops = [e for e in events if e.kind == "hop"]
    return reps, hops


def replay_trace(path, mode=None, mount=None, tempo=None, exercise=None):
    """Read a trace and run it: (trace, mode, mount, reps, hops). Raises TraceError.

    Unset arguments come from the trace's metadata, as the board has them;
    so does the rate the sensor was set to (`# odr_hz=`), which the board
    hands its engine too (not the rate measured from the steps)."""
    trace = read_trace(path)
    mode = mode or trace.meta.get("mode") or "strength"
    mount = mount or trace.meta.get("mount") or "waist"
    tempo = tempo or (trace.meta.get("tempo") if mode != MODE_HOPS else None) or None
    if mode not in MODES:
        raise TraceError(path, None, "metadata mode=%s is not one of %s" % (mode, ", ".join(MODES)),
                         "fix the '# mode=' line or pass --mode")
    if mount not in MOUNTS:
        raise TraceError(path, None, "metadata mount=%s is not one of %s" % (mount, ", ".join(MOUNTS)),
                         "fix the '# mount=' line or pass --mount")
    exercise = exercise or trace.meta.get("exercise") or None
    reps, hops = run_engine(trace.samples, mode, mount, tempo, odr_hz=trace.set_odr_hz, exercise=exercise)
    return trace, mode, mount, reps, hops


def _fmt(v, spec):
    return "-" if v is None else spec % v


def _mark(rep):
    ok = rep.tempo_ok
    return "" if ok is None else ("in tempo" if ok else "OUT")


def format_table(reps, hops):
    lines = []
    if reps:
        lines.append("%3s %9s %7s %10s %7s %7s %9s  %s" % ("#", "eccentric", "pause", "concentric", "ROM cm", "tilt deg",
                                                          "vel m/s", "tempo"))
        for r in reps:
            lines.append("%3d %7d ms %4d ms %7d ms %7s %8s %9s  %s" % (
                r.index, r.eccentric_ms, r.pause_ms, r.concentric_ms,
                _fmt(r.rom_cm, "%.0f"), _fmt(r.depth_deg, "%.0f"), _fmt(r.mean_velocity_m_s, "%.2f"), _mark(r)))
    if hops:
        lines.append("%3s %9s %9s %9s %5s %7s %10s  %s" % ("#", "flight", "contact", "height", "RSI", "peak g", "load g/s", "landing"))
        for h in hops:
            lines.append("%3d %6d ms %9s %6.1f cm %5s %7.1f %10.0f  %s" % (
                h.index, h.flight_ms, _fmt(h.contact_ms, "%d ms"), h.jump_height_cm,
                _fmt(h.rsi, "%.2f"), h.peak_g, h.loading_rate_g_s, h.softness))
    return "\n".join(lines)


@click.command("replay")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option("--mode", type=click.Choice(MODES), help="Detector to run [default: the trace's mode, else strength].")
@click.option("--mount", type=click.Choice(MOUNTS), help="Where the clip sat [default: the trace's mount, else waist].")
@click.option("--tempo", help="Target tempo, e.g. 3-1-1 or 3-1-X-0 [default: the trace's tempo].")
@click.option("--exercise", help="The lift, e.g. goblet_squat or single_leg_deadlift: which way a rep starts, "
              "and at the waist whether its reps are in the pelvis tilt [default: the trace's exercise].")
@click.option("--json", "as_json", is_flag=True, help='Print one JSON object {"reps": [...], "hops": [...]}.')
def replay_command(trace, mode, mount, tempo, exercise, as_json):
    """Run the board's engine on TRACE.csv and print the reps and hops it finds."""
    try:
        tr, mode, mount, reps, hops = replay_trace(trace, mode, mount, tempo, exercise)
    except (TraceError, EngineError, TempoError) as e:
        click.echo("error: %s" % e, err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps({"reps": [r.to_dict() for r in reps], "hops": [h.to_dict() for h in hops]}))
        return
    click.echo("%s: %d samples, %.1f s at %.0f Hz, %s mode, %s mount: %d reps, %d hops"
               % (trace, len(tr), tr.duration_s, tr.odr_hz or 0, mode, mount, len(reps), len(hops)))
    table = format_table(reps, hops)
    if table:
        click.echo(table)
