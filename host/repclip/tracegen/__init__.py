"""Synthetic labeled IMU traces: strength sets, hop sets and walking.

    from repclip import tracegen
    meta, samples, labels = tracegen.generate("squat", mount="thigh", odr_hz=104, reps=6,
                                              tempo="3-1-1", noise="medium", seed=3)
    tracegen.write("out/squat.csv", meta, samples, labels)

A continuous body motion (motion.py: minimum-jerk strokes, gait, ballistic
hops) is built for the set and its surroundings (context.py: standing,
walking to the rack, fidgeting, re-racking), then read by a model of the
LSM6DS (sensor.py: per-period averaging, random mount angle, noise, bias,
scale, quantisation, saturation, jittered timestamps). Labels are the exact
times of the continuous motion in integer microseconds on the sample clock,
not snapped to samples. Same arguments, same bytes. Physics and label
semantics: docs/traces.md.
"""

import random

from repclip.traces import labels_path, write_trace  # noqa: F401 (labels_path: for callers)
from repclip.tracegen import sensor
from repclip.tracegen.context import Builder
from repclip.tracegen.hops import HopSet
from repclip.tracegen.motion import Timeline
from repclip.tracegen.strength import CONCENTRIC_FIRST, HOLD_HEIGHT, StrengthSet

STRENGTH_KINDS = ("squat", "split_squat", "step_up", "sldl", "kb_deadlift")
HOP_KINDS = ("pogo", "low_hops", "lateral_bounds", "drop_jump")
WALK_KINDS = ("walk",)
KINDS = STRENGTH_KINDS + HOP_KINDS + WALK_KINDS
MOUNTS = ("waist", "thigh", "implement")
NOISE_LEVELS = ("none", "low", "medium", "high")
ODR_MIN_HZ = 10.0
ODR_MAX_HZ = 6667.0
GENERATOR = "repclip.tracegen 1"

# The plan's exercise names (host/repclip/plan.py) for each kind.
EXERCISE = {
    "squat": "goblet_squat", "split_squat": "split_squat", "step_up": "step_up",
    "sldl": "single_leg_deadlift", "kb_deadlift": "kettlebell_deadlift",
    "pogo": "pogo_hops", "low_hops": "low_hops", "lateral_bounds": "lateral_bounds",
    "drop_jump": "drop_jump", "walk": "walk",
}

# opts: name -> (default, description); None defaults are drawn from the seed.
OPTIONS = {
    "walk_before": (None, "walk a few steps to the set first (bool)"),
    "walk_after": (None, "walk away after the set (bool)"),
    "context": (True, "stand, fidget and re-rack around the set; False: 2 s of standing each side"),
    "duration_s": (60.0, "length of a walk trace (s)"),
    "drop_rate": (0.0, "fraction of samples lost (0..0.5)"),
    "jitter": (0.02, "timestamp jitter as a fraction of the period (0..0.2)"),
    "odr_error": (None, "true rate off the nominal ODR by this fraction (default: within +/-1 %)"),
    "orientation": ("random", "'random' clip angle or 'upright' (sensor axes = body axes)"),
    "frame": ("sensor", "'sensor', or 'world' for world-frame specific force (physics checks)"),
    "start_us": (0, "timestamp of the first sample (us)"),
}


class TracegenError(ValueError):
    """A bad generate() argument; the message names it and the accepted values."""


def _check(kind, mount, odr_hz, reps, tempo, noise, seed, opts):
    if kind not in KINDS:
        raise TracegenError("kind %r is not one of %s" % (kind, ", ".join(KINDS)))
    if mount not in MOUNTS:
        raise TracegenError("mount %r is not one of %s" % (mount, ", ".join(MOUNTS)))
    if noise not in NOISE_LEVELS:
        raise TracegenError("noise %r is not one of %s" % (noise, ", ".join(NOISE_LEVELS)))
    try:
        odr = float(odr_hz)
    except (TypeError, ValueError):
        raise TracegenError("odr_hz %r is not a number (e.g. 104)" % (odr_hz,)) from None
    if not ODR_MIN_HZ <= odr <= ODR_MAX_HZ:
        raise TracegenError("odr_hz %g is outside %g..%g Hz (the LSM6DS rates: 12.5, 26, 52, 104, 208, 416, 833 ...)"
                            % (odr, ODR_MIN_HZ, ODR_MAX_HZ))
    if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= 100:
        raise TracegenError("reps %r must be a whole number from 1 to 100" % (reps,))
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TracegenError("seed %r must be an integer" % (seed,))
    if kind in STRENGTH_KINDS:
        from repcore.tempo import TempoError, parse_tempo
        try:
            parse_tempo(tempo)
        except TempoError as e:
            raise TracegenError(str(e)) from None
    unknown = sorted(set(opts) - set(OPTIONS))
    if unknown:
        raise TracegenError("unknown option%s %s; known: %s" % ("s" if len(unknown) > 1 else "",
                                                                 ", ".join(unknown), ", ".join(OPTIONS)))
    o = dict((k, v[0]) for k, v in OPTIONS.items())
    o.update(opts)
    if not 0.0 <= float(o["drop_rate"]) <= 0.5:
        raise TracegenError("drop_rate %r must be within 0..0.5" % (o["drop_rate"],))
    if not 0.0 <= float(o["jitter"]) <= 0.2:
        raise TracegenError("jitter %r must be within 0..0.2 of a period" % (o["jitter"],))
    if o["odr_error"] is not None and not -0.05 <= float(o["odr_error"]) <= 0.05:
        raise TracegenError("odr_error %r must be within -0.05..0.05" % (o["odr_error"],))
    if o["orientation"] not in ("random", "upright"):
        raise TracegenError("orientation %r must be 'random' or 'upright'" % (o["orientation"],))
    if o["frame"] not in ("sensor", "world"):
        raise TracegenError("frame %r must be 'sensor' or 'world'" % (o["frame"],))
    if not 5.0 <= float(o["duration_s"]) <= 3600.0:
        raise TracegenError("duration_s %r must be within 5..3600 s" % (o["duration_s"],))
    if isinstance(o["start_us"], bool) or not isinstance(o["start_us"], int) or o["start_us"] < 0:
        raise TracegenError("start_us %r must be a whole number >= 0" % (o["start_us"],))
    return odr, o


def _stream(seed, name):
    # Separate streams: changing the noise level or ODR leaves the motion alone.
    return random.Random("repclip.tracegen:%d:%s" % (seed, name))


def _mode(kind):
    return "hops" if kind in HOP_KINDS else "strength"


def _lead_in(b, o, kind):
    """Standing, maybe walking to the spot, picking up the bell or fidgeting, standing."""
    rng = b.rng
    if not o["context"]:
        b.rest(2.0)
        if b.mount == "implement" and kind in HOLD_HEIGHT:
            b.pick_up(HOLD_HEIGHT[kind])
            b.rest(1.5)
        return
    b.rest(rng.uniform(2.0, 4.0))
    if o["walk_before"]:
        b.walk(rng.randint(3, 8))
        if rng.random() < 0.5:
            b.turn(rng.choice((-3.1416, 3.1416)))
        b.rest(rng.uniform(1.0, 2.0))
    if b.mount == "implement" and kind in HOLD_HEIGHT:
        b.pick_up(HOLD_HEIGHT[kind])
    elif rng.random() < 0.6:
        (b.fidget if rng.random() < 0.6 else b.rerack)()
    b.rest(rng.uniform(1.5, 3.0))


def _lead_out(b, o, kind):
    rng = b.rng
    if not o["context"]:
        b.rest(1.5)
        if b.mount == "implement" and kind in HOLD_HEIGHT:
            b.put_down(HOLD_HEIGHT[kind])
        b.rest(2.0)
        return
    b.rest(rng.uniform(1.5, 3.0))
    if b.mount == "implement" and kind in HOLD_HEIGHT:
        b.put_down(HOLD_HEIGHT[kind])
    elif rng.random() < 0.5:
        (b.fidget if rng.random() < 0.6 else b.rerack)()
    if o["walk_after"]:
        if rng.random() < 0.5:
            b.turn(rng.choice((-3.1416, 3.1416)))
        b.walk(rng.randint(3, 8))
    b.rest(rng.uniform(2.0, 4.0))


def _walk_session(b, duration):
    """Walking, standing, fidgeting and re-racking, in random order, for about `duration` s."""
    rng = b.rng
    b.rest(rng.uniform(2.0, 4.0))
    if b.mount == "implement":
        b.pick_up(0.7)
    while b.t < duration - 8.0:
        x = rng.random()
        if x < 0.35:
            b.walk(rng.randint(4, 16))
            if rng.random() < 0.4:
                b.turn(rng.uniform(-3.1416, 3.1416))
        elif x < 0.6:
            b.rest(rng.uniform(2.0, 8.0))
        elif x < 0.85:
            b.fidget()
        elif x < 0.95:
            if b.mount == "implement":
                b.put_down(0.7)
                b.rest(rng.uniform(3.0, 6.0))
                b.pick_up(0.7)
            else:
                b.rerack()
        else:
            b.turn(rng.uniform(-3.1416, 3.1416))
    if b.mount == "implement" and b.carried:
        b.put_down(0.7)
    b.rest(max(2.0, duration - b.t))


def generate(kind, mount="waist", odr_hz=208.0, reps=5, tempo="3-1-1", noise="medium", seed=0, **opts):
    """One labeled trace: (meta dict, samples [(t_us, ax, ay, az, gx, gy, gz)], labels dict).

    reps is the number of repetitions, or of hops/jumps for hop kinds (ignored
    for walk). opts: see OPTIONS. Raises TracegenError on bad arguments.
    """
    if tempo is None or (isinstance(tempo, str) and not tempo.strip()):
        tempo = "3-1-1"  # no target given: the usual one
    odr, o = _check(kind, mount, odr_hz, reps, tempo, noise, seed, opts)
    motion_rng = _stream(seed, "motion")
    if o["walk_before"] is None:
        o["walk_before"] = motion_rng.random() < 0.5
    if o["walk_after"] is None:
        o["walk_after"] = motion_rng.random() < 0.5
    b = Builder(motion_rng, mount, o["start_us"])
    if kind in HOP_KINDS:
        b.hold()  # an implement in a hop set is held (a medicine ball, a weight vest) throughout
    labels = {"rep_count": 0, "hop_count": 0, "reps": [], "hops": []}
    mode = _mode(kind)
    if kind in WALK_KINDS:
        _walk_session(b, float(o["duration_s"]))
    else:
        _lead_in(b, o, kind)
        if kind in STRENGTH_KINDS:
            labels["reps"] = StrengthSet(b, kind, reps, tempo).build()
            labels["rep_count"] = len(labels["reps"])
            labels["concentric_first"] = kind in CONCENTRIC_FIRST
        else:
            hs = HopSet(b, kind, reps)
            labels["hops"] = hs.build()
            labels["hop_count"] = len(labels["hops"])
            if hs.drops:
                labels["drops"] = hs.drops
        _lead_out(b, o, kind)
    b.finish()
    timeline = Timeline(b.comps, b.t)
    timing_rng = _stream(seed, "timing")
    odr_error = o["odr_error"]
    if odr_error is None:
        odr_error = timing_rng.uniform(-0.01, 0.01)
    times = sensor.sample_times(timing_rng, odr, b.t, float(o["jitter"]), float(odr_error))
    mount_rot = sensor.IDENTITY
    if o["orientation"] == "random":
        mount_rot = sensor.random_rotation(_stream(seed, "mount"))
    samples = sensor.sample(timeline, times, _stream(seed, "sensor:" + noise), noise, mount_rot, o["frame"],
                            o["start_us"], float(o["drop_rate"]), _stream(seed, "drop"), odr)
    meta = {
        "sensor": "LSM6DSOX (simulated)",
        "odr_hz": "%g" % odr,
        "mount": mount,
        "mode": mode,
        "exercise": EXERCISE[kind],
    }
    if kind in STRENGTH_KINDS:
        meta["tempo"] = tempo
        meta["reps"] = str(labels["rep_count"])
        meta["depth_cm"] = "%.1f" % (sum(r["depth_cm"] for r in labels["reps"]) / len(labels["reps"]))
    elif kind in HOP_KINDS:
        meta["hops"] = str(labels["hop_count"])
    meta.update({"seed": str(seed), "kind": kind, "noise": noise, "duration_s": "%.2f" % b.t,
                 "generator": GENERATOR})
    if o["frame"] == "world":
        meta["note"] = "world frame (x forward, y left, z up), not what a sensor reads"
    return meta, samples, labels


def write(path, meta, samples, labels):
    """Write a generated trace and NAME.labels.json (compact: 3 decimals, finer than the LSM6DS LSB of 0.0048 m/s^2 and 0.0012 rad/s)."""
    write_trace(path, meta, samples, labels, accel_decimals=3, gyro_decimals=3)
