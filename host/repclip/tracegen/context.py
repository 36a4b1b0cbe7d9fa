"""Everything around a set: standing, walking, turning, fidgeting, re-racking.

The Builder keeps a time cursor and a list of motion components; each
method appends components from the cursor on and moves it. Amplitudes are
typical for a pelvis (waist), a mid-thigh (thigh) or a hand-held kettlebell
(implement). A parked implement (on the floor) does not move at all while
the athlete walks or fidgets.
"""

import math

from repclip.tracegen.motion import STEP_WALK, Move, Oscillation, Pulse, Travel, G

SWAY_TERMS = (
    # freq, phase, position amplitude (m), angle amplitude (rad): postural sway and breathing
    (0.23, 0.0, (0.004, 0.0, 0.0), (0.0, 0.004, 0.0)),
    (0.31, 1.0, (0.0, 0.004, 0.0), (0.003, 0.0, 0.0)),
    (0.27, 2.0, (0.0, 0.0, 0.0015), (0.0, 0.0, 0.003)),
)


class Builder:
    def __init__(self, rng, mount, start_us=0):
        self.rng = rng
        self.mount = mount
        self.start_us = start_us
        self.t = 0.0
        self.comps = []
        self.yaw = 0.0  # heading the athlete faces (rad), for walking direction
        self.step_hz = rng.uniform(1.7, 2.0)
        self.speed = rng.uniform(1.0, 1.4)
        # An implement sits on the floor until picked up.
        self.carried = mount != "implement"
        self._carry_from = 0.0 if self.carried else None
        self.sway_spans = []

    def us(self, t):
        """Label time: integer microseconds on the sample clock."""
        return self.start_us + int(round(t * 1e6))

    def add(self, comp):
        self.comps.append(comp)

    def rest(self, seconds):
        self.t += seconds

    # --- holding the implement ------------------------------------------------

    def hold(self):
        """The implement is in the hands from now on, without a pick-up motion."""
        if not self.carried:
            self.carried = True
            self._carry_from = self.t

    def pick_up(self, height):
        """Implement from the floor to the hands (carried from now on)."""
        T = self.rng.uniform(1.1, 1.6)
        self.add(Move(self.t, T, dpos=(0.05, 0.0, height), dang=(0.0, 0.0, math.radians(self.rng.uniform(-20, 20)))))
        self.add(Move(self.t, T, dang=(0.0, math.radians(25.0), 0.0), profile="bump"))  # the bell swings up
        self.carried = True
        self._carry_from = self.t
        self.t += T

    def put_down(self, height):
        T = self.rng.uniform(1.1, 1.6)
        self.add(Move(self.t, T, dpos=(-0.05, 0.0, -height)))
        self.add(Move(self.t, T, dang=(0.0, math.radians(-20.0), 0.0), profile="bump"))
        self.t += T
        self.carried = False
        self.sway_spans.append((self._carry_from, self.t))
        self._carry_from = None

    def finish(self):
        """Close the sway spans: the whole trace for body mounts, carried spans for an implement."""
        if self.carried and self._carry_from is not None:
            self.sway_spans.append((self._carry_from, self.t))
            self._carry_from = None
        for t0, t1 in self.sway_spans:
            if t1 - t0 > 0.5:
                ph = self.rng.uniform(0, 6.28)
                terms = [(f, p + ph, pa, aa) for f, p, pa, aa in SWAY_TERMS]
                self.add(Oscillation(t0, t1, terms, ramp=0.5))

    # --- locomotion -------------------------------------------------------------

    def walk(self, steps):
        """A few steps forward along the current heading (nothing moves if the implement is parked)."""
        f = self.step_hz * self.rng.uniform(0.95, 1.05)
        T = steps / f + 1.0 / f
        if not self.carried:
            self.t += T
            return
        rng = self.rng
        h = self.yaw
        fwd = (math.cos(h), math.sin(h), 0.0)
        lat = (-math.sin(h), math.cos(h), 0.0)
        m = self.mount
        vert = rng.uniform(0.015, 0.022)
        terms = [
            (f, rng.uniform(0, 6.28), (0.0, 0.0, vert), (0.0, math.radians(1.5), 0.0)),
            (f, rng.uniform(0, 6.28), tuple(0.012 * c for c in fwd), (0.0, 0.0, 0.0)),
            (f / 2.0, rng.uniform(0, 6.28), tuple(0.02 * c for c in lat),
             (math.radians(3.0), 0.0, math.radians(4.0))),
        ]
        if m == "thigh":
            terms.append((f / 2.0, rng.uniform(0, 6.28), tuple(0.03 * c for c in fwd),
                          (0.0, math.radians(rng.uniform(15.0, 22.0)), 0.0)))
        elif m == "implement":
            terms.append((f / 2.0, rng.uniform(0, 6.28), tuple(0.04 * c for c in fwd),
                          (0.0, math.radians(rng.uniform(5.0, 10.0)), 0.0)))
        self.add(Oscillation(self.t, self.t + T, terms, ramp=1.0 / f, step=STEP_WALK))
        self.add(Travel(self.t, self.t + T, self.speed, h, 1.0 / f))
        strike = {"waist": 0.4, "thigh": 0.8, "implement": 0.25}[m]
        for k in range(steps):
            own = k % 2 == 0
            peak = strike * G * rng.uniform(0.7, 1.3) * (1.0 if own or m != "thigh" else 0.35)
            self.add(Pulse(self.t + (k + 0.5) / f, rng.uniform(0.012, 0.02), peak, (0.0, 0.0, 1.0)))
        self.t += T

    def turn(self, angle):
        """Turn on the spot: yaw change with a couple of small steps."""
        T = self.rng.uniform(1.2, 2.0) * abs(angle) / math.pi + 0.3
        if self.carried:
            self.add(Move(self.t, T, dang=(0.0, 0.0, angle)))
            f = self.step_hz
            self.add(Oscillation(self.t, self.t + T, [(f, 0.0, (0.0, 0.0, 0.008), (math.radians(1.5), 0.0, 0.0))],
                                 ramp=min(0.4, T / 2), step=STEP_WALK))
        self.yaw += angle
        self.t += T

    def step_onto_box(self, height):
        """Step up onto a box (drop jumps): pelvis rises and moves forward; the thigh lifts and extends."""
        T = self.rng.uniform(1.0, 1.4)
        self.add(Move(self.t, T, dpos=(0.3 * math.cos(self.yaw), 0.3 * math.sin(self.yaw), height)))
        lift = 60.0 if self.mount == "thigh" else 12.0
        self.add(Move(self.t - 0.3 if self.t > 0.3 else self.t, T, dang=(0.0, math.radians(lift), 0.0), profile="bump"))
        self.t += T

    # --- the little things between sets ----------------------------------------

    def fidget(self):
        """One of: weight shift, look around, lean, heel raise, taps on the clip."""
        if not self.carried:
            self.t += self.rng.uniform(1.0, 2.5)
            return
        rng = self.rng
        what = rng.choice(("shift", "twist", "lean", "heels", "taps"))
        t = self.t
        if what == "shift":
            T = rng.uniform(1.0, 2.0)
            s = rng.choice((-1.0, 1.0))
            self.add(Move(t, T, dpos=(0.0, 0.05 * s, 0.0), dang=(math.radians(3.0 * s), 0.0, 0.0), profile="bump"))
        elif what == "twist":
            T = rng.uniform(1.5, 2.5)
            self.add(Move(t, T, dang=(0.0, 0.0, math.radians(rng.uniform(-30.0, 30.0))), profile="bump"))
        elif what == "lean":
            T = rng.uniform(1.5, 3.0)
            self.add(Move(t, T, dpos=(0.0, 0.0, -0.03), dang=(0.0, math.radians(rng.uniform(10.0, 25.0)), 0.0),
                          profile="bump"))
        elif what == "heels":
            T = rng.uniform(0.8, 1.2)
            self.add(Move(t, T, dpos=(0.0, 0.0, rng.uniform(0.03, 0.05)), profile="bump"))
        else:
            T = 0.0
            for _ in range(rng.randint(2, 4)):
                d = [rng.gauss(0.0, 1.0) for _ in range(3)]
                n = math.sqrt(sum(x * x for x in d)) or 1.0
                self.add(Pulse(t + T, 0.005, rng.uniform(1.0, 3.0) * G, tuple(x / n for x in d)))
                T += rng.uniform(0.15, 0.4)
        self.t += T + rng.uniform(0.3, 1.0)

    def rerack(self):
        """Bend down to pick something up or put it back: one hinge-and-dip, out and back."""
        rng = self.rng
        if not self.carried:
            self.t += rng.uniform(2.0, 4.0)
            return
        T = rng.uniform(2.2, 3.5)
        depth = rng.uniform(0.15, 0.3)
        pitch = {"waist": rng.uniform(30.0, 55.0), "thigh": rng.uniform(40.0, 70.0),
                 "implement": rng.uniform(5.0, 15.0)}[self.mount]
        dz = depth * (2.0 if self.mount == "implement" else 1.0)
        self.add(Move(self.t, T, dpos=(0.05, 0.0, -dz), dang=(0.0, math.radians(pitch), 0.0), profile="bump"))
        self.t += T + rng.uniform(0.3, 1.0)
