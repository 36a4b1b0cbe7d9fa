"""The committed generated suite: every kind, mount, noise level and ODR, small enough for git.

    python -m repclip.tracegen.suite [OUTDIR]      # default tests/traces/gen
    python -m repclip.tracegen.suite --bench       # generation speed per kind (prints numbers)

rewrites every trace and labels file from SUITE; the output is byte-identical
on every run (tests/engine/test_tracegen.py checks one). Benchmarks take SUITE
and vary the seed to make more sets in memory:

    from repclip.tracegen import generate
    from repclip.tracegen.suite import SUITE, spec_args
    for spec in SUITE:
        meta, samples, labels = generate(**spec_args(spec, seed=spec["seed"] + 1000))

High-rate sets skip the walking and fidgeting around them (context=False)
to keep the suite under ~6 MB.
"""

import os
import pathlib
import sys

from repclip.tracegen import generate, write

SUITE = [
    # strength: all five lifts on all three mounts, every noise level, 12.5..833 Hz
    {"kind": "squat", "mount": "waist", "odr_hz": 104.0, "noise": "medium", "reps": 5, "tempo": "3-1-1", "seed": 101},
    {"kind": "squat", "mount": "thigh", "odr_hz": 52.0, "noise": "low", "reps": 6, "tempo": "3-1-1", "seed": 102},
    {"kind": "squat", "mount": "implement", "odr_hz": 208.0, "noise": "high", "reps": 4, "tempo": "2-0-1", "seed": 103,
     "context": False},
    {"kind": "squat", "mount": "waist", "odr_hz": 25.0, "noise": "none", "reps": 5, "tempo": "3-1-1", "seed": 104},
    {"kind": "squat", "mount": "waist", "odr_hz": 416.0, "noise": "medium", "reps": 3, "tempo": "2-1-X", "seed": 105,
     "context": False},
    {"kind": "squat", "mount": "thigh", "odr_hz": 104.0, "noise": "medium", "reps": 4, "tempo": "4-2-2", "seed": 106,
     "drop_rate": 0.03},
    {"kind": "squat", "mount": "waist", "odr_hz": 12.5, "noise": "low", "reps": 6, "tempo": "3-1-1", "seed": 107},
    {"kind": "split_squat", "mount": "waist", "odr_hz": 52.0, "noise": "medium", "reps": 6, "tempo": "3-1-1", "seed": 111},
    {"kind": "split_squat", "mount": "thigh", "odr_hz": 104.0, "noise": "high", "reps": 4, "tempo": "2-1-2", "seed": 112},
    {"kind": "split_squat", "mount": "implement", "odr_hz": 25.0, "noise": "low", "reps": 5, "tempo": "3-1-1", "seed": 113},
    {"kind": "step_up", "mount": "waist", "odr_hz": 104.0, "noise": "low", "reps": 5, "tempo": "2-0-1", "seed": 121},
    {"kind": "step_up", "mount": "thigh", "odr_hz": 52.0, "noise": "medium", "reps": 5, "tempo": "2-0-1", "seed": 122},
    {"kind": "step_up", "mount": "implement", "odr_hz": 208.0, "noise": "none", "reps": 3, "tempo": "2-0-1", "seed": 123,
     "context": False},
    {"kind": "sldl", "mount": "waist", "odr_hz": 52.0, "noise": "medium", "reps": 5, "tempo": "3-1-1", "seed": 131},
    {"kind": "sldl", "mount": "thigh", "odr_hz": 104.0, "noise": "medium", "reps": 4, "tempo": "3-1-1", "seed": 132},
    {"kind": "sldl", "mount": "implement", "odr_hz": 25.0, "noise": "high", "reps": 5, "tempo": "3-1-1", "seed": 133},
    {"kind": "kb_deadlift", "mount": "implement", "odr_hz": 104.0, "noise": "medium", "reps": 5, "tempo": "2-1-2",
     "seed": 141},
    {"kind": "kb_deadlift", "mount": "waist", "odr_hz": 52.0, "noise": "low", "reps": 5, "tempo": "3-1-1", "seed": 142},
    {"kind": "kb_deadlift", "mount": "thigh", "odr_hz": 25.0, "noise": "medium", "reps": 5, "tempo": "2-0-1", "seed": 143},
    {"kind": "kb_deadlift", "mount": "implement", "odr_hz": 833.0, "noise": "low", "reps": 2, "tempo": "X-0-X",
     "seed": 144, "context": False},
    # hops: mostly >= 104 Hz, two at 52
    {"kind": "pogo", "mount": "waist", "odr_hz": 208.0, "noise": "medium", "reps": 8, "seed": 201},
    {"kind": "pogo", "mount": "thigh", "odr_hz": 416.0, "noise": "low", "reps": 8, "seed": 202, "context": False},
    {"kind": "pogo", "mount": "implement", "odr_hz": 104.0, "noise": "high", "reps": 6, "seed": 203},
    {"kind": "pogo", "mount": "waist", "odr_hz": 52.0, "noise": "medium", "reps": 8, "seed": 204},
    {"kind": "pogo", "mount": "waist", "odr_hz": 833.0, "noise": "none", "reps": 4, "seed": 205, "context": False},
    {"kind": "low_hops", "mount": "waist", "odr_hz": 104.0, "noise": "low", "reps": 8, "seed": 211},
    {"kind": "low_hops", "mount": "thigh", "odr_hz": 208.0, "noise": "medium", "reps": 6, "seed": 212},
    {"kind": "low_hops", "mount": "implement", "odr_hz": 52.0, "noise": "high", "reps": 6, "seed": 213},
    {"kind": "lateral_bounds", "mount": "waist", "odr_hz": 208.0, "noise": "medium", "reps": 6, "seed": 221,
     "context": False},
    {"kind": "lateral_bounds", "mount": "thigh", "odr_hz": 104.0, "noise": "high", "reps": 6, "seed": 222},
    {"kind": "lateral_bounds", "mount": "implement", "odr_hz": 416.0, "noise": "low", "reps": 4, "seed": 223,
     "context": False},
    {"kind": "drop_jump", "mount": "waist", "odr_hz": 208.0, "noise": "medium", "reps": 2, "seed": 231, "context": False},
    {"kind": "drop_jump", "mount": "thigh", "odr_hz": 104.0, "noise": "low", "reps": 2, "seed": 232},
    # walking, fidgeting and re-racking: no reps, no hops
    {"kind": "walk", "mount": "waist", "odr_hz": 25.0, "noise": "medium", "duration_s": 120.0, "seed": 301},
    {"kind": "walk", "mount": "thigh", "odr_hz": 52.0, "noise": "high", "duration_s": 60.0, "seed": 302},
]

def spec_args(spec, **override):
    """generate() keyword arguments for a suite spec (kind included), with overrides."""
    args = dict(spec)
    args.update(override)
    return args


def spec_name(spec):
    """File stem: kind_mount_ODRhz_noise_sSEED, e.g. squat_waist_104hz_medium_s101."""
    return "%s_%s_%shz_%s_s%d" % (spec["kind"], spec["mount"], ("%g" % spec["odr_hz"]).replace(".", "p"),
                                  spec["noise"], spec["seed"])


def generate_spec(spec):
    args = spec_args(spec)
    return generate(args.pop("kind"), **args)


def write_spec(spec, outdir):
    """Generate one spec into outdir: the trace's path."""
    meta, samples, labels = generate_spec(spec)
    path = os.path.join(str(outdir), spec_name(spec) + ".csv")
    write(path, meta, samples, labels)
    return path


def default_outdir():
    """tests/traces/gen of the source checkout (editable install), else under the current directory."""
    root = pathlib.Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file():
        root = pathlib.Path.cwd()
    return root / "tests" / "traces" / "gen"


def bench(odr_hz=208.0, seeds=3):
    """Print CPU seconds per 30 s of generated trace, per kind (medium noise, all mounts)."""
    import time
    from repclip.tracegen import KINDS, MOUNTS
    print("%-16s %10s %12s" % ("kind", "trace s", "s per 30 s"))
    for kind in KINDS:
        trace_s = cpu_s = 0.0
        for mount in MOUNTS:
            for seed in range(seeds):
                t0 = time.process_time()
                meta, samples, labels = generate(kind, mount=mount, odr_hz=odr_hz, reps=5, seed=seed,
                                                 duration_s=30.0)
                cpu_s += time.process_time() - t0
                trace_s += float(meta["duration_s"])
        print("%-16s %10.0f %12.3f" % (kind, trace_s, cpu_s * 30.0 / trace_s))
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if argv and argv[0] == "--bench":
        return bench()
    outdir = pathlib.Path(argv[0]) if argv else default_outdir()
    outdir.mkdir(parents=True, exist_ok=True)
    total = 0
    for spec in SUITE:
        path = write_spec(spec, outdir)
        size = os.path.getsize(path)
        total += size
        print("%-48s %7.0f kB" % (os.path.basename(path), size / 1000.0))
    print("%d traces, %.2f MB in %s" % (len(SUITE), total / 1e6, outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
