"""Strength sets: reps as minimum-jerk strokes with the prescribed tempo.

Each rep is two strokes between rests. Eccentric-first lifts (squat, split
squat, single-leg deadlift) go down from standing and come back; concentric-
first lifts (step-up, kettlebell deadlift from the floor) go up first and come
back down. The labels are the stroke boundaries, where the velocity of the
tracked point (pelvis, thigh or bell) leaves or reaches zero:

    start_us   the first stroke begins (leaves the rest position)
    bottom_us  the first stroke ends (bottom of a squat; top of a step-up)
    rise_us    the second stroke begins
    end_us     back at the rest position

so the tempo's first number times start->bottom for eccentric-first lifts
and rise->end for concentric-first ones (repcore.events.Rep.concentric_first),
the second number is always the pause between the strokes and the optional
fourth the rest between reps. Durations vary +/-10 % per rep (clipped at
25 %), the rise slows a little with fatigue, depth varies about 6 %.
"""

import math

from repcore.tempo import EXPLOSIVE, parse_tempo

from repclip.tracegen.motion import Move

CONCENTRIC_FIRST = ("step_up", "kb_deadlift")

# (kind, mount): first-stroke displacement ranges (m) dz, dx and rotation ranges (deg) pitch, roll, yaw.
# Signs: x forward, z up, pitch + = leaning / flexing forward. Pelvis tilt and thigh
# flexion ranges are in line with the CMU pelvis and thigh recordings (tests' realdata).
STROKES = {
    ("squat", "waist"): ((-0.5, -0.35), (-0.12, -0.05), (25, 45), (0, 3), (0, 3)),
    ("squat", "thigh"): ((-0.35, -0.25), (-0.12, -0.06), (75, 100), (0, 3), (0, 3)),
    ("squat", "implement"): ((-0.5, -0.38), (0.02, 0.06), (8, 15), (0, 2), (0, 3)),
    ("split_squat", "waist"): ((-0.35, -0.25), (-0.04, -0.01), (6, 18), (0, 3), (0, 3)),
    ("split_squat", "thigh"): ((-0.3, -0.2), (-0.05, 0.0), (45, 60), (0, 4), (0, 4)),
    ("split_squat", "implement"): ((-0.38, -0.28), (0.0, 0.03), (3, 8), (0, 3), (0, 3)),
    ("step_up", "waist"): ((0.3, 0.45), (0.25, 0.35), (0, 0), (0, 4), (0, 4)),
    ("step_up", "thigh"): ((0.3, 0.4), (0.15, 0.25), (-70, -55), (0, 4), (0, 4)),
    ("step_up", "implement"): ((0.3, 0.45), (0.25, 0.35), (0, 5), (0, 3), (0, 5)),
    ("sldl", "waist"): ((-0.15, -0.06), (-0.15, -0.08), (55, 80), (5, 12), (5, 10)),
    ("sldl", "thigh"): ((-0.06, -0.03), (-0.08, -0.03), (12, 25), (2, 6), (2, 6)),
    ("sldl", "implement"): ((-0.55, -0.4), (0.05, 0.15), (-10, 10), (0, 5), (5, 15)),
    ("kb_deadlift", "waist"): ((0.3, 0.4), (0.05, 0.1), (-65, -45), (0, 3), (0, 3)),
    ("kb_deadlift", "thigh"): ((0.2, 0.3), (0.05, 0.1), (-70, -50), (0, 3), (0, 3)),
    ("kb_deadlift", "implement"): ((0.45, 0.6), (0.0, 0.05), (-6, 6), (0, 4), (0, 6)),
}

# A minimum-jerk stroke of travel d in T peaks at 5.77 d / T^2. Feet on the
# ground cannot decelerate a rise faster than gravity, and nobody does more
# than about half of that: explosive strokes stretch to stay under it.
MAX_STROKE_ACCEL = 0.5 * 9.80665
MINJERK_PEAK = 10.0 / math.sqrt(3.0)


def least_stroke_s(travel_m):
    return math.sqrt(MINJERK_PEAK * abs(travel_m) / MAX_STROKE_ACCEL)


# Where the implement is held for each lift (pick-up height from the floor, m).
HOLD_HEIGHT = {"squat": 1.1, "split_squat": 0.75, "step_up": 1.1, "sldl": 0.7}


def phase_targets(tempo):
    """(eccentric, pause, concentric, top) seconds from a tempo string; None for an explosive phase, top None if unset."""
    t = parse_tempo(tempo)
    if t is None:
        t = parse_tempo("3-1-1")

    def sec(ms):
        return None if ms == EXPLOSIVE else ms / 1000.0

    top = None if t.top_ms is None else sec(t.top_ms)
    return sec(t.eccentric_ms), sec(t.pause_ms), sec(t.concentric_ms), top


class StrengthSet:
    """Builds one set of `count` reps onto a Builder; returns the rep labels."""

    def __init__(self, builder, kind, count, tempo):
        self.b = builder
        self.kind = kind
        self.count = count
        self.tempo = phase_targets(tempo)
        rng = builder.rng
        dz, dx, pitch, roll, yaw = STROKES[(kind, builder.mount)]
        side = rng.choice((-1.0, 1.0))
        self.dpos = (rng.uniform(*dx), 0.0, rng.uniform(*dz))
        self.dang = (math.radians(rng.uniform(*roll)) * side, math.radians(rng.uniform(*pitch)),
                     math.radians(rng.uniform(*yaw)) * side)
        self.concentric_first = kind in CONCENTRIC_FIRST
        self.reps = []

    def _vary(self, x, rel=0.1):
        # normal spread, softly limited to +/-25 % (tanh keeps every rep distinct)
        return x * (1.0 + 0.25 * math.tanh(self.b.rng.gauss(0.0, rel) / 0.25))

    def _durations(self, i):
        rng = self.b.rng
        ecc, pause, con, top = self.tempo
        e = self._vary(ecc) if ecc is not None else rng.uniform(0.45, 0.8)
        c = self._vary(con) if con is not None else rng.uniform(0.45, 0.8)
        c *= 1.0 + 0.03 * i * rng.random()  # fatigue slows the rise
        if pause is None or pause == 0.0:
            p = rng.uniform(0.0, 0.12)
        else:
            p = self._vary(pause)
        if top is None:
            gap = rng.uniform(0.6, 1.5)
        else:
            gap = max(0.25, self._vary(top) if top else rng.uniform(0.25, 0.45))
        return max(0.35, e), p, max(0.35, c), gap

    def _scaled(self, v, k):
        return (v[0] * k, v[1] * k, v[2] * k)

    def build(self):
        b = self.b
        us = b.us
        thigh_step = self.kind == "step_up" and b.mount == "thigh"
        setup = self.kind == "kb_deadlift" and b.mount != "implement"
        if self.kind == "split_squat" and b.mount == "thigh":
            stance = math.radians(b.rng.uniform(25, 35))  # front thigh in the split stance
            b.add(Move(b.t, 0.9, dpos=(0.3, 0.0, 0.0), dang=(0.0, stance, 0.0)))
            b.rest(0.9 + b.rng.uniform(0.8, 1.5))
        if setup:
            # hinge down to the bell on the floor (not a rep), then lift from there
            T = b.rng.uniform(1.3, 1.8)
            b.add(Move(b.t, T, dpos=self._scaled(self.dpos, -1.0), dang=self._scaled(self.dang, -1.0)))
            b.rest(T + b.rng.uniform(1.0, 2.0))
        foot = math.radians(b.rng.uniform(55, 70))
        for i in range(self.count):
            e, p, c, gap = self._durations(i)
            first, second = (c, e) if self.concentric_first else (e, c)
            k = 1.0 + 0.15 * math.tanh(b.rng.gauss(0.0, 0.06) / 0.15)
            dpos = self._scaled(self.dpos, k)
            dang = self._scaled(self.dang, k)
            least = least_stroke_s(dpos[2])
            first = max(first, least)
            second = max(second, least)
            if thigh_step:
                # lead foot onto the box: the thigh lifts before the body rises
                T = b.rng.uniform(0.5, 0.7)
                b.add(Move(b.t, T, dang=(0.0, foot, 0.0)))
                b.rest(T + b.rng.uniform(0.05, 0.2))
                dang = (dang[0], -foot, dang[2])
            t = b.t
            rep = {"start_us": us(t)}
            b.add(Move(t, first, dpos, dang))
            if self.kind == "step_up" and b.mount == "waist":
                b.add(Move(t, first, dang=(0.0, math.radians(b.rng.uniform(18, 30)), 0.0), profile="bump"))
            t += first
            rep["bottom_us"] = us(t)
            t += p
            rep["rise_us"] = us(t)
            b.add(Move(t, second, self._scaled(dpos, -1.0), self._scaled(dang, -1.0)))
            if self.kind == "step_up" and b.mount == "waist":
                b.add(Move(t, second, dang=(0.0, math.radians(b.rng.uniform(10, 20)), 0.0), profile="bump"))
            t += second
            rep["end_us"] = us(t)
            rep["depth_cm"] = round(abs(dpos[2]) * 100.0, 1)
            self.reps.append(rep)
            b.t = t
            if thigh_step:
                # lead foot back down to the floor after the body is down
                T = b.rng.uniform(0.5, 0.7)
                b.rest(b.rng.uniform(0.05, 0.2))
                b.add(Move(b.t, T, dang=(0.0, -foot, 0.0)))
                b.rest(T)
            if i < self.count - 1:
                b.rest(gap)
        if setup:
            b.rest(b.rng.uniform(1.5, 2.5))
            T = b.rng.uniform(1.0, 1.5)
            b.add(Move(b.t, T, dpos=self.dpos, dang=self.dang))
            b.rest(T)
        if self.kind == "split_squat" and b.mount == "thigh":
            b.rest(b.rng.uniform(0.8, 1.5))
            b.add(Move(b.t, 0.9, dpos=(-0.3, 0.0, 0.0), dang=(0.0, -stance, 0.0)))
            b.rest(0.9)
        return self.reps
