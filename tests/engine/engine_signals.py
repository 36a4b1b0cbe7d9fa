"""Synthetic IMU signals with exact truth for the engine's unit tests.

Vertical motion follows minimum-jerk strokes (how people move a load); the
accelerometer reads (g + vertical acceleration) along `up`, a unit vector in
the sensor frame, so any clip angle can be simulated. Hops: a half-sine
ground force, then exact free fall.
"""

import math
import random

G = 9.80665


def _unit(v):
    n = math.sqrt(sum(c * c for c in v))
    return tuple(c / n for c in v)


def _minjerk_acc(s, dur, dist):
    """Acceleration of a minimum-jerk move of `dist` metres over `dur` seconds at phase s."""
    return dist / (dur * dur) * (60 * s - 180 * s * s + 120 * s * s * s)


def squats(hz, reps=4, tempo=(3.0, 1.0, 1.0), top_s=1.5, depth_m=0.45, up=(0, 0, 1),
           noise=0.05, seed=1, t0_us=0):
    """Rows (t_us, ax..gz) and truth [(start, bottom, rise, end)] in us."""
    rng = random.Random(seed)
    up = _unit(up)
    ecc, pause, con = tempo
    plan = []
    t = 0.0
    truth = []
    for _ in range(reps):
        plan.append((t, t + top_s, None))
        t += top_s
        start = t
        plan.append((t, t + ecc, -depth_m))
        t += ecc
        bottom = t
        plan.append((t, t + pause, None))
        t += pause
        rise = t
        plan.append((t, t + con, depth_m))
        t += con
        truth.append(tuple(t0_us + int(x * 1e6) for x in (start, bottom, rise, t)))
    plan.append((t, t + top_s, None))
    t += top_s
    rows = []
    n = int(t * hz)
    k = 0
    for i in range(n):
        ts = i / hz
        while k < len(plan) - 1 and ts >= plan[k][1]:
            k += 1
        a0, a1, dist = plan[k]
        acc = 0.0
        if dist is not None:
            acc = _minjerk_acc((ts - a0) / (a1 - a0), a1 - a0, dist)
        f = G + acc
        rows.append((t0_us + int(round(i * 1e6 / hz)),
                     f * up[0] + rng.gauss(0, noise), f * up[1] + rng.gauss(0, noise),
                     f * up[2] + rng.gauss(0, noise), 0.0, 0.0, 0.0))
    return rows, truth


def _glide_acc(x, dur, dist, ramp):
    """Acceleration at x (0..1) of a stroke that speeds up over `ramp` of its
    time (a sin^2 bump), glides at constant speed, and slows down the same."""
    v = dist / (dur * (1.0 - ramp))
    a = 2.0 * v / (ramp * dur)
    if x < ramp:
        return a * math.sin(math.pi * x / ramp) ** 2
    if x > 1.0 - ramp:
        return -a * math.sin(math.pi * (1.0 - x) / ramp) ** 2
    return 0.0


def vertical_moves(hz, moves, up=(0, 0, 1)):
    """Rows (t_us, ax..gz) without noise for a clip whose height follows
    `moves`, [(seconds, metres)] one after another: a minimum-jerk stroke
    of that many metres (up positive), 0 for standing still; (seconds,
    metres, ramp): a stroke that glides at constant speed between ramps of
    that share of its time."""
    up = _unit(up)
    rows = []
    i = 0
    for move in moves:
        dur, dist = move[0], move[1]
        n = int(dur * hz)
        for k in range(n):
            if len(move) > 2:
                f = G + _glide_acc(k / n, dur, dist, move[2])
            else:
                f = G + (_minjerk_acc(k / n, dur, dist) if dist else 0.0)
            rows.append((int(round(i * 1e6 / hz)), f * up[0], f * up[1], f * up[2], 0.0, 0.0, 0.0))
            i += 1
    return rows


def hops(hz, count=6, flight_s=0.40, contact_s=0.25, peak_g=3.5, up=(0, 0, 1), noise=0.1,
         seed=2, lead_s=1.5, dip=None):
    """Rows and truth [(takeoff_us, touchdown_us)] for a series of hops.
    dip=(from, to, g): in each landing's contact, the force falls to g over
    that share of it (a thigh's swing reading near free fall)."""
    rng = random.Random(seed)
    up = _unit(up)
    events = []
    t = lead_s
    segs = [(0.0, lead_s, "stand")]
    for _ in range(count):
        segs.append((t, t + contact_s, "push"))
        t += contact_s
        segs.append((t, t + flight_s, "fly"))
        events.append((int(t * 1e6), int((t + flight_s) * 1e6)))
        t += flight_s
    segs.append((t, t + contact_s, "push"))
    t += contact_s
    segs.append((t, t + lead_s, "stand"))
    t += lead_s
    rows = []
    k = 0
    for i in range(int(t * hz)):
        ts = i / hz
        while k < len(segs) - 1 and ts >= segs[k][1]:
            k += 1
        a0, a1, kind = segs[k]
        if kind == "fly":
            f = 0.0
        elif kind == "push":
            u = (ts - a0) / (a1 - a0)
            f = G + (peak_g - 1) * G * math.sin(math.pi * u)
            if dip and k > 1 and dip[0] <= u < dip[1]:
                f = dip[2] * G
        else:
            f = G
        rows.append((int(round(i * 1e6 / hz)), f * up[0] + rng.gauss(0, noise),
                     f * up[1] + rng.gauss(0, noise), f * up[2] + rng.gauss(0, noise),
                     rng.gauss(0, 0.02), rng.gauss(0, 0.02), rng.gauss(0, 0.02)))
    return rows, events


def walking(hz, seconds, seed=3, up=(0.3, 0.2, 0.93)):
    """Walking at ~1.8 steps/s with fidgets and pauses: no reps, no hops in it."""
    rng = random.Random(seed)
    up = _unit(up)
    side = _unit((up[1], -up[0], 0.0)) if abs(up[2]) < 0.99 else (1.0, 0.0, 0.0)
    rows = []
    step_hz = 1.8
    for i in range(int(seconds * hz)):
        ts = i / hz
        block = int(ts // 20) % 3  # walk, fidget, stand, in 20 s blocks
        if block == 0:
            w = 2 * math.pi * step_hz
            vert = 0.03 * w * w * math.sin(w * ts) + 0.3 * math.sin(2.3 * w * ts)
            lat = 1.0 * math.sin(w * ts / 2)
        elif block == 1:
            vert = 0.6 * math.sin(2 * math.pi * 0.9 * ts) * math.sin(2 * math.pi * 0.13 * ts)
            lat = 1.5 * math.sin(2 * math.pi * 1.3 * ts)
        else:
            vert = 0.0
            lat = 0.0
        f = G + vert
        rows.append((int(round(i * 1e6 / hz)),
                     f * up[0] + lat * side[0] + rng.gauss(0, 0.08),
                     f * up[1] + lat * side[1] + rng.gauss(0, 0.08),
                     f * up[2] + lat * side[2] + rng.gauss(0, 0.08),
                     rng.gauss(0, 0.05), rng.gauss(0, 0.05), rng.gauss(0, 0.05)))
    return rows


def run(engine, rows):
    """Feed every row, then finish(); return all events in order."""
    events = []
    for r in rows:
        ev = engine.feed(*r)
        if ev is not None:
            events.append(ev)
    while True:
        ev = engine.finish()
        if ev is None:
            return events
        events.append(ev)


def thigh_squats(hz, reps=4, tempo=(2.0, 0.5, 1.0), top_s=1.5, depth_deg=90.0, gyro=True,
                 noise=0.05, seed=4):
    """Thigh-strapped squats: the thigh pitches from vertical to depth_deg and back.

    The sensor's x axis runs along the thigh; gravity turns from +x toward +z
    as the thigh flexes about the sensor's y axis (gyro y = flexion rate).
    """
    rng = random.Random(seed)
    ecc, pause, con = tempo
    plan, truth, t = [], [], 0.0
    for _ in range(reps):
        plan.append((t, t + top_s, 0.0, 0.0))
        t += top_s
        start = t
        plan.append((t, t + ecc, 0.0, depth_deg))
        t += ecc
        bottom = t
        plan.append((t, t + pause, depth_deg, depth_deg))
        t += pause
        rise = t
        plan.append((t, t + con, depth_deg, 0.0))
        t += con
        truth.append(tuple(int(x * 1e6) for x in (start, bottom, rise, t)))
    plan.append((t, t + top_s, 0.0, 0.0))
    t += top_s
    rows, k = [], 0
    for i in range(int(t * hz)):
        ts = i / hz
        while k < len(plan) - 1 and ts >= plan[k][1]:
            k += 1
        a0, a1, th0, th1 = plan[k]
        s = (ts - a0) / (a1 - a0)
        shape = 10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5  # minimum-jerk angle
        rate = (30 * s ** 2 - 60 * s ** 3 + 30 * s ** 4) / (a1 - a0)
        th = math.radians(th0 + (th1 - th0) * shape)
        w = math.radians((th1 - th0) * rate)
        rows.append((int(round(i * 1e6 / hz)),
                     G * math.cos(th) + rng.gauss(0, noise), rng.gauss(0, noise),
                     G * math.sin(th) + rng.gauss(0, noise),
                     0.0, (w if gyro else 0.0) + (rng.gauss(0, 0.01) if gyro else 0.0), 0.0))
    return rows, truth


def drop_between(rows, truth, margin_us=300000):
    """Remove the samples between reps (as the CMU recordings do): a stream with gaps."""
    keep = []
    for r in rows:
        t = r[0]
        for start, _, _, end in truth:
            if start - margin_us <= t <= end + margin_us:
                keep.append(r)
                break
    return keep
