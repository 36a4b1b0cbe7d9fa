"""Hop sets: ballistic flights and ground contacts that balance momentum exactly.

Vertical specific force f (m/s^2, what an accelerometer on the pelvis reads
along world up) in each phase:

- flight: f = 0 (free fall), for exactly the labelled flight time;
- contact between two flights, duration T, landing speed v_in, take-off
  speed v_out = g t_flight / 2: f = impact + A sin(pi u^p), u = t / T,
  where impact = P x e^(1-x), x = t / t_rise, is the landing transient
  (P = 3-8 g, t_rise 5-20 ms: soft to hard) and A sin(pi u^p) the active
  push. A makes the impulse v_in + v_out + g T (momentum balance: the mean
  of f from apex to apex is g); the skew p puts the push late enough that
  the mean velocity over the contact is zero (take-off at touch-down
  height, so h = g t_f^2 / 8 holds). f starts at 0, never goes negative,
  and once the landing has loaded it to 1 g it does not fall back before
  the push (a spring's contact: the impact's peak is lowered until so);
- first take-off: a countermovement from standing (quartic velocity: dip,
  then push, f falls to 0 at take-off);
- last landing: impact + absorption to standing still, then standing up.

Thigh mounts see a sharper impact and flex with every contact; waist and
implement mounts pitch a little. Lateral bounds add a side-to-side velocity
reversed in every contact; drop jumps start with a step off a box.
"""

import math

from repclip.tracegen.motion import G, STEP_IMPACT, Accel, Move, minjerk

# kind: (contact s range, flight s range, landing hardness range 0..1) of a set's typical hop
HOP_PARAMS = {
    "pogo": ((0.16, 0.23), (0.27, 0.42), (0.2, 1.0)),
    "low_hops": ((0.20, 0.30), (0.15, 0.25), (0.0, 0.6)),
    "lateral_bounds": ((0.25, 0.38), (0.30, 0.42), (0.2, 1.0)),
    "drop_jump": ((0.18, 0.30), (0.38, 0.52), (0.3, 1.0)),
}
# A hop's contact is a spring's: the body's vertical velocity climbs from the
# landing's to the take-off's without turning back, so between the impact and
# the push the specific force stays at 1 g or more. (Without this floor the
# impact often stopped the fall on its own, the push came late, and the force
# fell to near free fall between them: in 9 of 10 low-hop contacts at the
# thigh, 0.12 g at the median, read by the engine as 100 ms "flights".)
CONTACT_FLOOR_G = 1.0
DIP_TOLERANCE_G = 0.03
# kind: hard limits on any single hop's (contact, flight) in s
HOP_LIMITS = {
    "pogo": ((0.15, 0.25), (0.25, 0.45)),
    "low_hops": ((0.18, 0.33), (0.13, 0.28)),
    "lateral_bounds": ((0.22, 0.42), (0.27, 0.46)),
    "drop_jump": ((0.16, 0.33), (0.34, 0.56)),
}


def _impact_moments(P, tr, T):
    """Integral and (T - s)-weighted integral of P x e^(1-x), x = s / tr, over [0, T]."""
    X = T / tr
    ex = math.exp(-X)
    j = P * tr * math.e * (1.0 - (1.0 + X) * ex)
    m1 = P * tr * tr * math.e * (2.0 - (X * X + 2.0 * X + 2.0) * ex)
    return j, T * j - m1


def impact_params(hardness, mount, rng):
    """(peak m/s^2, rise s) of a landing transient: hard = high and fast."""
    peak = (3.0 + 4.5 * hardness) * G * rng.uniform(0.9, 1.1)
    rise = (0.020 - 0.015 * hardness) * rng.uniform(0.85, 1.15)
    if mount == "thigh":
        peak *= 1.3  # closer to the ground, less soft tissue in between
    elif mount == "implement":
        peak *= 0.7  # the arms soak some of it up
    return peak, max(0.004, rise)


def _skewed_hump(p, n=96):
    """Integral and centre (mean u) of sin(pi u^p) on [0, 1] (Simpson)."""
    h = 1.0 / n
    tot = 0.0
    mom = 0.0
    for i in range(n + 1):
        u = i * h
        w = 1.0 if i in (0, n) else (4.0 if i % 2 else 2.0)
        b = math.sin(math.pi * u ** p)
        tot += w * b
        mom += w * u * b
    return tot * h / 3.0, mom / tot


def _skew_for_centre(centre):
    """The exponent p whose hump sin(pi u^p) has its centre at `centre` (bisection, clamped)."""
    lo, hi = 0.35, 8.0
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        if _skewed_hump(mid, 48)[1] < centre:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def contact_force(T, v_in, v_out, peak, rise, lat_in=0.0, lat_out=0.0):
    """f(s) for s in [0, T] (vertical specific force) and lateral acceleration; see the module doc."""
    J = v_in + v_out + G * T
    Mreq = v_in * T + G * T * T / 2.0
    C = (lat_out - lat_in) * math.pi / (2.0 * T)
    A = p = 0.0  # (set below: f reads them when called)

    def f(s):
        u = s / T
        x = s / rise
        imp = peak * x * math.exp(1.0 - x) if x > 0.0 else 0.0
        push = A * math.sin(math.pi * u ** p) if 0.0 < u < 1.0 else 0.0
        return imp + push, C * math.sin(math.pi * u)

    for _ in range(40):
        j_imp, m_imp = _impact_moments(peak, rise, T)
        if j_imp >= 0.6 * J:
            peak *= 0.8
            continue
        # The active push carries the rest of the impulse; its centre in time is
        # where the remaining (T - s)-moment puts it (later after a big impact).
        centre = 1.0 - (Mreq - m_imp) / (J - j_imp) / T
        p = _skew_for_centre(centre)
        area = _skewed_hump(p)[0]
        A = (J - j_imp) / (area * T)
        # A big impact stops the fall on its own and leaves the push late:
        # between the two the body would fall free on the ground. So the impact
        # comes down (a softer landing) until the force holds, up to the
        # push's peak (sin(pi u^p) peaks at u = 0.5^(1/p)).
        if _dip(f, T * 0.5 ** (1.0 / p)) <= DIP_TOLERANCE_G * G:
            break
        peak *= 0.9
    return f


def _dip(force, s1, n=200):
    """How far force(s)'s vertical part falls back over (0, s1] under what it
    had reached (counted up to CONTACT_FLOOR_G: past that a dip leaves the
    body still braking)."""
    floor = CONTACT_FLOOR_G * G
    top = 0.0
    dip = 0.0
    for i in range(1, n + 1):
        v = force(s1 * i / n)[0]
        if v > top:
            top = v if v < floor else floor
        elif top - v > dip:
            dip = top - v
    return dip


def cmj_force(T, v_out, lat_out=0.0):
    """Countermovement from standing still to take-off at v_out: f(s) and lateral accel."""
    # v(u) = a2 u^2 + a3 u^3 + a4 u^4: v(1) = v_out, a(1) = -g (f = 0), mean v = 0.
    # Solved by hand from [[1,1,1],[2,3,4],[1/3,1/4,1/5]] [a2,a3,a4] = [V, -gT, 0].
    V = v_out
    W = -G * T
    a4 = 2.5 * W - 15.0 * V  # eliminating a2 and a3 (the tests check the constraints)
    a3 = 28.0 * V - 4.0 * W
    a2 = V - a3 - a4
    C = lat_out * math.pi / (2.0 * T)

    def f(s):
        u = s / T
        acc = (2.0 * a2 * u + 3.0 * a3 * u * u + 4.0 * a4 * u * u * u) / T
        return max(0.0, G + acc), C * math.sin(math.pi * u)

    return f


def stick_force(T, v_in, peak, rise, lat_in=0.0):
    """Landing to standing still: f(s) and lateral accel; f ends at g with zero velocity."""
    j_imp, _ = _impact_moments(peak, rise, T)
    C = (v_in + G * T / 2.0 - j_imp) / T
    if C < 0.0:
        peak *= max(0.1, (v_in + G * T / 2.0) / j_imp * 0.9)
        j_imp, _ = _impact_moments(peak, rise, T)
        C = (v_in + G * T / 2.0 - j_imp) / T
    L = -lat_in * math.pi / (2.0 * T)

    def f(s):
        u = s / T
        x = s / rise
        imp = peak * x * math.exp(1.0 - x) if x > 0.0 else 0.0
        return imp + G * u + 6.0 * C * u * (1.0 - u), L * math.sin(math.pi * u)

    return f


def _phase(t0, T, force, heading=0.0):
    """An Accel component from a force function of local time (vertical f, lateral a)."""
    ch = math.cos(heading + math.pi / 2.0)
    sh = math.sin(heading + math.pi / 2.0)

    def fn(t):
        fz, lat = force(t - t0)
        return lat * ch, lat * sh, fz - G

    return Accel(t0, t0 + T, fn, step=STEP_IMPACT)


def _flight(t0, T):
    return Accel(t0, t0 + T, lambda t: (0.0, 0.0, -G))


def _limb_sway(b, t0, T):
    """In flight the legs tuck and swing, so the clip wobbles a few mm about the
    centre of mass: real recordings read ~0.3-1 m/s^2 in flight, not 0."""
    rng = b.rng
    # a bump of travel d over T peaks at 24 d / T^2: pick the acceleration, derive d
    d = T * T / 24.0

    def amp():
        return rng.uniform(0.15, 0.6) * rng.choice((-1.0, 1.0)) * d

    b.add(Move(t0, T, dpos=(amp(), amp(), amp()), dang=(0.0, math.radians(rng.uniform(-3.0, 3.0)), 0.0),
               profile="bump"))


def _displacement(force, T, v0, n=400):
    """Vertical displacement over a phase (trapezoid velocity integration)."""
    h = T / n
    v = v0
    z = 0.0
    a_prev = force(0.0)[0] - G
    for i in range(1, n + 1):
        a = force(i * h)[0] - G
        v_new = v + 0.5 * (a_prev + a) * h
        z += 0.5 * (v + v_new) * h
        v = v_new
        a_prev = a
    return z


def peak_after(force, T, rise):
    """(peak f in g, time of peak in s) of the landing transient at the start of a contact."""
    best, at = 0.0, 0.0
    s = 0.0
    stop = min(T, 2.5 * rise)  # the impact transient, not the push that follows
    while s <= stop:
        v = force(s)[0]
        if v > best:
            best, at = v, s
        s += 0.0002
    return best / G, at


class HopSet:
    """Builds one hop set onto a Builder (see context.Builder); fills labels['hops']."""

    def __init__(self, builder, kind, count):
        self.b = builder
        self.kind = kind
        self.count = count
        rng = builder.rng
        (c0, c1), (f0, f1), (h0, h1) = HOP_PARAMS[kind]
        self.contact = rng.uniform(c0, c1)
        self.flight = rng.uniform(f0, f1)
        self.hardness = (h0, h1)
        self.hops = []
        self.drops = []

    def _vary(self, x, rel, limits):
        x *= 1.0 + 2.5 * rel * math.tanh(self.b.rng.gauss(0.0, rel) / (2.5 * rel))
        return max(limits[0], min(limits[1], x))

    def _next_contact(self):
        return self._vary(self.contact, 0.1, HOP_LIMITS[self.kind][0])

    def _next_flight(self):
        return self._vary(self.flight, 0.08, HOP_LIMITS[self.kind][1])

    def _impact(self):
        h = self.b.rng.uniform(*self.hardness)
        return impact_params(h, self.b.mount, self.b.rng)

    def _flex(self, t0, T, deg_thigh, deg_waist):
        """Joint flexion during a contact: a pitch bump (thigh large, pelvis small)."""
        deg = deg_thigh if self.b.mount == "thigh" else deg_waist
        self.b.add(Move(t0, T, dang=(0.0, math.radians(deg * self.b.rng.uniform(0.8, 1.2)), 0.0), profile="bump"))

    def _roll(self, t0, T, deg):
        self.b.add(Move(t0, T, dang=(math.radians(deg), 0.0, 0.0), profile="bump"))

    def build(self):
        if self.kind == "drop_jump":
            return self._drop_jumps()
        b = self.b
        lateral = self.kind == "lateral_bounds"
        side = 1.0 if b.rng.random() < 0.5 else -1.0
        dist = b.rng.uniform(0.4, 0.8)  # sideways per bound: reversing it in a contact takes ~1-2 g
        t = b.t
        # countermovement and first take-off
        tf = self._next_flight()
        v_out = G * tf / 2.0
        lat = side * dist / tf if lateral else 0.0
        T = b.rng.uniform(0.55, 0.8)
        b.add(_phase(t, T, cmj_force(T, v_out, lat), b.yaw))
        self._flex(t, T, 70.0, 15.0)
        t += T
        prev_contact = None
        for i in range(self.count):
            self.hops.append(self._label(t, tf, prev_contact))
            b.add(_flight(t, tf))
            _limb_sway(b, t, tf)
            t += tf
            v_in = v_out
            lat_in = lat
            peak, rise = self._impact()
            if i == self.count - 1:
                T = b.rng.uniform(0.35, 0.6)
                force = stick_force(T, v_in, peak, rise, lat_in)
                self.hops[-1].update(self._landing(force, T, rise))
                b.add(_phase(t, T, force, b.yaw))
                drop = -_displacement(force, T, -v_in)
                self._flex(t, T + 0.3, 50.0, 10.0)
                t += T
                rise_T = b.rng.uniform(0.7, 1.1)
                b.add(Move(t, rise_T, dpos=(0.0, 0.0, drop)))
                t += rise_T
                break
            T = self._next_contact()
            tf = self._next_flight()
            v_out = G * tf / 2.0
            if lateral:
                side = -side
                lat = side * b.rng.uniform(0.85, 1.15) * dist / tf
                self._roll(t, T, 12.0 * side)
            force = contact_force(T, v_in, v_out, peak, rise, lat_in, lat)
            self.hops[-1].update(self._landing(force, T, rise))
            b.add(_phase(t, T, force, b.yaw))
            self._flex(t, T, 25.0 if self.kind == "pogo" else 40.0, 6.0)
            prev_contact = T
            t += T
        b.t = t
        return self.hops

    def _label(self, takeoff, flight, contact_before):
        us = self.b.us
        d = {"takeoff_us": us(takeoff), "touchdown_us": us(takeoff + flight),
             "height_cm": round(G * flight * flight / 8.0 * 100.0, 2)}
        d["contact_before_ms"] = None if contact_before is None else round(contact_before * 1000.0, 1)
        return d

    def _landing(self, force, T, rise):
        pk, at = peak_after(force, T, rise)
        return {"landing_peak_g": round(pk, 2), "landing_rise_ms": round(at * 1000.0, 1)}

    def _drop_jumps(self):
        b = self.b
        rng = b.rng
        box = rng.uniform(0.30, 0.45)
        # step up onto the box first (not a jump)
        b.step_onto_box(box)
        b.rest(rng.uniform(1.0, 2.0))
        for i in range(self.count):
            t = b.t
            ramp = rng.uniform(0.12, 0.2)
            b.add(Accel(t, t + ramp, lambda x, t0=t, r=ramp: (0.0, 0.0, -G * minjerk((x - t0) / r)[0])))
            b.add(Move(t - 0.2, ramp + 0.4, dang=(0.0, math.radians(8.0), 0.0), profile="bump"))
            t += ramp
            v0 = G * ramp / 2.0
            rest_h = max(0.05, box - G * ramp * ramp / 7.0)
            t_ff = (-v0 + math.sqrt(v0 * v0 + 2.0 * G * rest_h)) / G
            self.drops.append({"takeoff_us": b.us(t), "touchdown_us": b.us(t + t_ff)})
            b.add(_flight(t, t_ff))
            t += t_ff
            v_in = v0 + G * t_ff
            T = self._next_contact()
            tf = self._next_flight()
            v_out = G * tf / 2.0
            peak, rise = self._impact()
            force = contact_force(T, v_in, v_out, peak, rise)
            self.drops[-1].update(self._landing(force, T, rise))
            b.add(_phase(t, T, force, b.yaw))
            self._flex(t, T, 45.0, 10.0)
            t += T
            self.hops.append(self._label(t, tf, T))
            b.add(_flight(t, tf))
            _limb_sway(b, t, tf)
            t += tf
            peak, rise = self._impact()
            T = rng.uniform(0.35, 0.6)
            force = stick_force(T, v_out, peak, rise)
            self.hops[-1].update(self._landing(force, T, rise))
            b.add(_phase(t, T, force, b.yaw))
            self._flex(t, T + 0.3, 50.0, 10.0)
            drop = -_displacement(force, T, -v_out)
            t += T
            rise_T = rng.uniform(0.7, 1.1)
            b.add(Move(t, rise_T, dpos=(0.0, 0.0, drop)))
            b.t = t + rise_T
            b.rest(rng.uniform(0.8, 1.5))
            if i < self.count - 1:
                # back to the box: turn, two steps, turn, step up
                b.turn(math.pi)
                b.walk(2)
                b.turn(math.pi)
                b.step_onto_box(box)
                b.rest(rng.uniform(1.5, 3.0))
        return self.hops
