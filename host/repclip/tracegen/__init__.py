"""Synthetic labeled IMU traces: strength sets, hop sets and walking (skeleton).

generate(kind, ...) -> (meta, samples, labels); see docs/traces.md.
"""

import math
import random

from repclip.traces import write_trace

STRENGTH_KINDS = ("squat", "split_squat", "step_up", "sldl", "kb_deadlift")
HOP_KINDS = ("pogo", "low_hops", "lateral_bounds", "drop_jump")
WALK_KINDS = ("walk",)
NOISE_LEVELS = ("none", "low", "medium", "high")
G = 9.80665


def _minjerk(u):
    return 10 * u ** 3 - 15 * u ** 4 + 6 * u ** 5


def _minjerk_acc(u, T):
    return (60 * u - 180 * u * u + 120 * u ** 3) / (T * T)


def generate(kind, mount="waist", odr_hz=208.0, reps=5, tempo="3-1-1", noise="medium", seed=0, **opts):
    rng = random.Random(seed)
    period = 1.0 / odr_hz
    sigma = {"none": 0.0, "low": 0.02, "medium": 0.08, "high": 0.3}[noise]
    phases = []  # (t0, t1, fn(t) -> vertical accel)
    labels = {"rep_count": 0, "hop_count": 0, "reps": [], "hops": []}
    t = 3.0
    if kind in HOP_KINDS:
        mode = "hops"
        for i in range(reps):
            tc, tf = 0.2, 0.35
            v = G * tf / 2
            a = (2 * v + G * tc) / (tc * 2 / math.pi)
            phases.append((t, t + tc, lambda x, t0=t, a=a, tc=tc: a * math.sin(math.pi * (x - t0) / tc) - G))
            t += tc
            labels["hops"].append({"takeoff_us": int(round(t * 1e6)), "touchdown_us": int(round((t + tf) * 1e6))})
            phases.append((t, t + tf, lambda x: -G))
            t += tf
        labels["hop_count"] = reps
    else:
        mode = "strength"
        ecc, pause, con = (float(p) for p in tempo.split("-")[:3])
        depth = 0.4
        for i in range(reps):
            r = {"start_us": int(round(t * 1e6))}
            phases.append((t, t + ecc, lambda x, t0=t, T=ecc: -depth * _minjerk_acc((x - t0) / T, T)))
            t += ecc
            r["bottom_us"] = int(round(t * 1e6))
            t += pause
            r["rise_us"] = int(round(t * 1e6))
            phases.append((t, t + con, lambda x, t0=t, T=con: depth * _minjerk_acc((x - t0) / T, T)))
            t += con
            r["end_us"] = int(round(t * 1e6))
            labels["reps"].append(r)
            t += 1.0
        labels["rep_count"] = reps
    t_end = t + 3.0
    samples = []
    k = 0
    idx = 0
    while k * period <= t_end:
        x = k * period
        az = 0.0
        while idx < len(phases) and phases[idx][1] <= x:
            idx += 1
        if idx < len(phases) and phases[idx][0] <= x:
            az = phases[idx][2](x)
        n = lambda: rng.gauss(0, sigma) if sigma else 0.0
        samples.append((int(round(x * 1e6)), n(), n(), az + G + n(), 0.0, 0.0, 0.0))
        k += 1
    meta = {"sensor": "synthetic", "odr_hz": odr_hz, "mount": mount, "mode": mode, "exercise": kind,
            "tempo": tempo if mode == "strength" else "", "seed": seed, "kind": kind, "noise": noise,
            "generator": "repclip.tracegen skeleton"}
    return meta, samples, labels


def write(path, meta, samples, labels):
    write_trace(path, meta, samples, labels)
