"""`repclip tracegen`: write a synthetic labeled trace (CSV + NAME.labels.json)."""

import click

from repclip import tracegen


@click.command("tracegen")
@click.option("--kind", required=True, type=click.Choice(tracegen.STRENGTH_KINDS + tracegen.HOP_KINDS + tracegen.WALK_KINDS))
@click.option("--mount", default="waist", type=click.Choice(("waist", "thigh", "implement")))
@click.option("--odr", "odr_hz", default=208.0, type=float)
@click.option("--reps", default=5, type=int)
@click.option("--tempo", default="3-1-1")
@click.option("--noise", default="medium", type=click.Choice(tracegen.NOISE_LEVELS))
@click.option("--seed", default=0, type=int)
@click.argument("out", type=click.Path(dir_okay=False))
def tracegen_command(kind, mount, odr_hz, reps, tempo, noise, seed, out):
    """Generate a synthetic labeled IMU trace into OUT (a .csv)."""
    meta, samples, labels = tracegen.generate(kind, mount=mount, odr_hz=odr_hz, reps=reps, tempo=tempo,
                                              noise=noise, seed=seed)
    tracegen.write(out, meta, samples, labels)
    click.echo("%s: %s %d samples, %d reps, %d hops" % (out, kind, len(samples), labels["rep_count"], labels["hop_count"]))
