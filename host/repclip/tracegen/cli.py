"""`repclip tracegen`: write one synthetic labeled trace (OUT.csv + OUT.labels.json)."""

import click

from repclip import tracegen
from repclip.tracegen import TracegenError

# generate() argument -> the option that sets it, for error messages
_OPTION_OF = {
    "odr_hz": "--odr", "reps": "--reps", "tempo": "--tempo", "drop_rate": "--drop-rate",
    "jitter": "--jitter", "duration_s": "--duration", "seed": "--seed",
}


@click.command("tracegen")
@click.option("--kind", required=True, type=click.Choice(tracegen.KINDS),
              help="What the athlete does.")
@click.option("--mount", default="waist", show_default=True, type=click.Choice(tracegen.MOUNTS),
              help="Where the clip sits.")
@click.option("--odr", "odr_hz", default=208.0, show_default=True, type=float,
              help="Sample rate in Hz (LSM6DS: 12.5, 26, 52, 104, 208, 416, 833).")
@click.option("--reps", default=5, show_default=True, type=int,
              help="Repetitions, or hops/jumps for hop kinds (ignored for walk).")
@click.option("--tempo", default="3-1-1", show_default=True,
              help="Prescribed tempo: lowering-pause-rising[-top] in seconds, X = explosive.")
@click.option("--noise", default="medium", show_default=True, type=click.Choice(tracegen.NOISE_LEVELS),
              help="Sensor noise, bias and scale error.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same bytes.")
@click.option("--duration", "duration_s", default=None, type=float, help="Length of a walk trace in s [60].")
@click.option("--drop-rate", default=0.0, show_default=True, type=float, help="Fraction of samples lost (0..0.5).")
@click.option("--jitter", default=0.02, show_default=True, type=float,
              help="Timestamp jitter as a fraction of the period (0..0.2).")
@click.option("--no-context", is_flag=True, help="Only 2 s of standing around the set: no walking or fidgeting.")
@click.option("--upright", is_flag=True, help="Sensor axes = body axes (z up) instead of a random clip angle.")
@click.argument("out", type=click.Path(dir_okay=False))
def tracegen_command(kind, mount, odr_hz, reps, tempo, noise, seed, duration_s, drop_rate, jitter, no_context,
                     upright, out):
    """Generate a synthetic labeled IMU trace into OUT (.csv) and OUT.labels.json.

    The motion (reps with tempo phases, hops with exact flight and contact,
    walking and fidgeting around them) is simulated and read by a model of
    the LSM6DS; the labels are the exact times of the motion. Physics and
    label semantics: docs/traces.md.
    """
    opts = {"drop_rate": drop_rate, "jitter": jitter}
    if duration_s is not None:
        opts["duration_s"] = duration_s
    if no_context:
        opts["context"] = False
    if upright:
        opts["orientation"] = "upright"
    try:
        meta, samples, labels = tracegen.generate(kind, mount=mount, odr_hz=odr_hz, reps=reps, tempo=tempo,
                                                  noise=noise, seed=seed, **opts)
    except TracegenError as e:
        msg = str(e)
        first = msg.split(" ", 1)[0]
        raise click.BadParameter(msg, param_hint=_OPTION_OF.get(first, "--" + first.replace("_", "-"))) from None
    try:
        tracegen.write(out, meta, samples, labels)
    except OSError as e:
        raise click.ClickException("cannot write %s: %s" % (out, e.strerror or e)) from None
    dur = (samples[-1][0] - samples[0][0]) / 1e6
    what = "%d reps" % labels["rep_count"] if kind in tracegen.STRENGTH_KINDS else (
        "%d hops" % labels["hop_count"] if kind in tracegen.HOP_KINDS else "no reps, no hops")
    click.echo("%s: %s, %s mount, %s Hz, %s noise, seed %d: %d samples over %.1f s, %s (labels: %s)"
               % (out, kind, mount, meta["odr_hz"], noise, seed, len(samples), dur, what,
                  tracegen.labels_path(out)))
