"""`repclip sim`: run the real firmware on the virtual board against a recorded trace."""

import pathlib
import sys
import tempfile
import threading

import click


def _summary(result):
    lines = []
    for sid, sess in zip(result.session_ids, result.sessions()):
        if sess is None:
            lines.append("session %d: file missing" % sid)
            continue
        lines.append("session %d (device %s): %d set(s)" % (sid, sess.device_id or "?", len(sess.sets)))
        for s in sess.sets:
            lines.append("  set %d %s %s%s: %d reps, %d hops, RPE %s, discomfort %s%s" % (
                s.set_no, s.exercise, s.mode, (" side " + s.side) if s.side else "", len(s.reps), len(s.hops),
                s.rpe, s.discomfort, "" if s.ended else " (not closed)"))
    return lines


@click.command("sim")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option("--exercise", help="Exercise to choose on the board (default: the trace's metadata).")
@click.option("--side", type=click.Choice(["L", "R"]), help="Side for unilateral exercises.")
@click.option("--mode", type=click.Choice(["strength", "hops"]), help="Engine mode (default: the trace's).")
@click.option("--tempo", help="Prescribed tempo, e.g. 3-1-1.")
@click.option("--mount", type=click.Choice(["waist", "thigh", "implement"]),
              help="Where the board is worn (default: the trace's metadata).")
@click.option("--rpe", type=click.IntRange(1, 10), default=7, show_default=True)
@click.option("--discomfort", type=click.IntRange(0, 10), default=0, show_default=True)
@click.option("--imu", "imu_variant", type=click.Choice(["LSM6DSOX", "ISM330DHCX", "LSM6DS3TR-C", "LSM6DS33"]),
              default="LSM6DSOX", show_default=True)
@click.option("--png-dir", type=click.Path(file_okay=False), help="Save every distinct screen as a PNG here.")
@click.option("--flash-dir", type=click.Path(file_okay=False),
              help="The board's data directory (default: a new temporary directory).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help="Override a settings.toml key.")
@click.option("--console/--no-console", default=False, help="Echo the board's console (print output).")
@click.option("--serve", is_flag=True,
              help="Afterwards keep the board running in real time with its data channel on a pty "
                   "for `repclip sync --port` (Ctrl-C stops).")
def sim_command(trace, exercise, side, mode, tempo, mount, rpe, discomfort, imu_variant, png_dir, flash_dir,
                settings, console, serve):
    """Run firmware/code.py on the virtual board through one set on TRACE (a CSV)."""
    from .api import simulate
    from .settings import SettingsError
    from .trace_source import TraceError

    overrides = {}
    for item in settings:
        if "=" not in item:
            raise click.BadParameter("expected KEY=VALUE, got %r" % item, param_hint="--set")
        k, v = item.split("=", 1)
        overrides[k.strip()] = int(v) if v.strip().lstrip("-").isdigit() else v
    flash = pathlib.Path(flash_dir) if flash_dir else pathlib.Path(tempfile.mkdtemp(prefix="repclip-flash-"))

    serve_fn = None
    out = sys.stdout  # the board's print() is captured while it runs; the host thread talks to us here
    if serve:
        def serve_fn(port):
            # The firmware keeps running (in real time now) and answers on its own LinkServer.
            from .api import SimResult, _session_ids

            click.echo("flash dir: %s" % flash, file=out)
            for line in _summary(SimResult.from_flash(flash, _session_ids(flash))):
                click.echo(line, file=out)
            click.echo("the board is idle; its data channel is on %s" % port, file=out)
            click.echo("  repclip sync --port %s    (Ctrl-C here to stop the board)" % port, file=out)
            out.flush()  # the port must reach a piped reader now
            threading.Event().wait()

    try:
        result = simulate(trace, flash, exercise=exercise, side=side, mode=mode, tempo=tempo, mount=mount,
                          png_dir=png_dir, rpe=rpe, discomfort=discomfort, imu_variant=imu_variant,
                          echo_console=console, serve=serve_fn, **overrides)
    except (TraceError, SettingsError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("virtual board stopped: %s" % result.stop_reason)
    if png_dir:
        click.echo("%d screen(s) saved to %s" % (len(result.frames), png_dir))
    if serve:
        return
    click.echo("flash dir: %s" % flash)
    if not result.session_ids:
        click.echo("no session stored (see the console with --console)")
    for line in _summary(result):
        click.echo(line)
