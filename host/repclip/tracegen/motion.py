"""Continuous body motion as a sum of analytic components.

A component adds, over its time span [t0, t1), a world-frame linear
acceleration (x forward, y left, z up; m/s^2) and Euler-angle offsets with
their rates (roll about x, pitch about y, yaw about z; rad, rad/s). Angle
offsets a component leaves behind at t1 persist (a turn stays turned), so
orientation is the running sum. Every component is written as a position or
angle profile and its exact derivatives, so the accelerometer and gyro the
sensor model derives from it are consistent with the motion by construction.

Times are float seconds here; the sensor model turns them into integer
microseconds.
"""

import math

G = 9.80665

# Sub-step the sensor model's box average needs inside a component (s):
# smooth movements are sampled at the window centre, impacts finely.
SMOOTH_STEP = 0.02
STEP_WALK = 0.004
STEP_IMPACT = 0.001


# --- scalar profiles ---------------------------------------------------------

def minjerk(u):
    """Minimum-jerk 0 -> 1 on u in [0, 1]: (s, ds/du, d2s/du2); zero velocity and acceleration at both ends."""
    if u <= 0.0:
        return 0.0, 0.0, 0.0
    if u >= 1.0:
        return 1.0, 0.0, 0.0
    u2 = u * u
    u3 = u2 * u
    return (10.0 * u3 - 15.0 * u3 * u + 6.0 * u3 * u2,
            30.0 * u2 - 60.0 * u3 + 30.0 * u3 * u,
            60.0 * u - 180.0 * u2 + 120.0 * u3)


def bump(u):
    """0 -> 1 -> 0 on u in [0, 1] (64 u^3 (1-u)^3): (b, db/du, d2b/du2), smooth at both ends."""
    if u <= 0.0 or u >= 1.0:
        return 0.0, 0.0, 0.0
    v = 1.0 - u
    a = u * v
    # b = 64 a^3, a' = 1 - 2u, a'' = -2
    da = 1.0 - 2.0 * u
    return 64.0 * a * a * a, 192.0 * a * a * da, 384.0 * a * da * da - 384.0 * a * a


def alpha_pulse(x):
    """Impact shape x e^(1-x) (peak 1 at x = 1, integral e): rises in ~x=1, decays over a few."""
    if x <= 0.0:
        return 0.0
    return x * math.exp(1.0 - x)


def add_pose(out, pos, acc, ang, val, rate):
    """out[0:9] += a displacement direction pos scaled to acceleration acc, and a
    rotation ang scaled to angle val and rate."""
    out[0] += pos[0] * acc
    out[1] += pos[1] * acc
    out[2] += pos[2] * acc
    out[3] += ang[0] * val
    out[4] += ang[1] * val
    out[5] += ang[2] * val
    out[6] += ang[0] * rate
    out[7] += ang[1] * rate
    out[8] += ang[2] * rate


# --- components ----------------------------------------------------------------

class Component:
    """Base: a span [t0, t1), the angle offset left behind, the sub-step it needs."""

    step = SMOOTH_STEP
    final = (0.0, 0.0, 0.0)

    def __init__(self, t0, t1):
        self.t0 = t0
        self.t1 = t1

    def add(self, t, out):
        """Add this component's contribution at t (t0 <= t < t1) into out[0:9]:
        ax, ay, az, roll, pitch, yaw, droll, dpitch, dyaw."""
        raise NotImplementedError


class Move(Component):
    """Minimum-jerk displacement and rotation from rest to rest over [t0, t0 + T].

    profile "bump" goes out and back (final offset zero), e.g. a lean during a rise.
    """

    def __init__(self, t0, T, dpos=(0.0, 0.0, 0.0), dang=(0.0, 0.0, 0.0), profile="minjerk"):
        Component.__init__(self, t0, t0 + T)
        self.T = T
        self.dpos = dpos
        self.dang = dang
        self.fn = bump if profile == "bump" else minjerk
        self.final = (0.0, 0.0, 0.0) if profile == "bump" else tuple(dang)

    def add(self, t, out):
        T = self.T
        s, s1, s2 = self.fn((t - self.t0) / T)
        s1 /= T
        s2 /= T * T
        add_pose(out, self.dpos, s2, self.dang, s, s1)


class Oscillation(Component):
    """Sinusoids under a smooth on/off envelope: walking gait, sway, breathing.

    terms: (freq_hz, phase_rad, pos_amp (3), ang_amp (3)); position and angle
    are envelope(t) * amp * sin(2 pi f t + phase). ramp: envelope rise/fall (s).
    """

    def __init__(self, t0, t1, terms, ramp=0.5, step=SMOOTH_STEP):
        Component.__init__(self, t0, t1)
        self.terms = [(2.0 * math.pi * f, ph, pa, aa) for f, ph, pa, aa in terms]
        self.ramp = max(1e-3, min(ramp, (t1 - t0) / 2.0))
        self.step = step

    def _envelope(self, t):
        r = self.ramp
        if t - self.t0 < r:
            s, s1, s2 = minjerk((t - self.t0) / r)
            return s, s1 / r, s2 / (r * r)
        if self.t1 - t < r:
            s, s1, s2 = minjerk((self.t1 - t) / r)
            return s, -s1 / r, s2 / (r * r)
        return 1.0, 0.0, 0.0

    def add(self, t, out):
        e, e1, e2 = self._envelope(t)
        for w, ph, pa, aa in self.terms:
            x = w * t + ph
            sn = math.sin(x)
            cs = math.cos(x)
            # d2/dt2 [e sin] = e'' sin + 2 e' w cos - e w^2 sin
            acc = e2 * sn + 2.0 * e1 * w * cs - e * w * w * sn
            rate = e1 * sn + e * w * cs
            add_pose(out, pa, acc, aa, e * sn, rate)


class Travel(Component):
    """Walking progression: speed 0 -> v -> 0 along a heading, min-jerk ramps."""

    def __init__(self, t0, t1, speed, heading, ramp):
        Component.__init__(self, t0, t1)
        self.ramp = min(ramp, (t1 - t0) / 2.0)
        self.vx = speed * math.cos(heading)
        self.vy = speed * math.sin(heading)

    def add(self, t, out):
        r = self.ramp
        if t - self.t0 < r:
            k = minjerk((t - self.t0) / r)[1] / r
        elif self.t1 - t < r:
            k = -minjerk((self.t1 - t) / r)[1] / r
        else:
            return
        out[0] += self.vx * k
        out[1] += self.vy * k


class Pulse(Component):
    """A short impact along a world direction: peak (m/s^2) at rise time tr.

    biphasic=True follows it with a slower opposite pulse of equal impulse, so
    it moves nothing on balance (heel strikes, taps on the clip).
    """

    step = STEP_IMPACT

    def __init__(self, t0, tr, peak, direction=(0.0, 0.0, 1.0), biphasic=True):
        Component.__init__(self, t0, t0 + tr * (40.0 if biphasic else 12.0))
        self.tr = tr
        self.peak = peak
        self.dir = direction
        self.biphasic = biphasic

    def add(self, t, out):
        x = (t - self.t0) / self.tr
        a = self.peak * alpha_pulse(x)
        if self.biphasic:
            a -= self.peak * 0.25 * alpha_pulse(x / 4.0)
        d = self.dir
        out[0] += d[0] * a
        out[1] += d[1] * a
        out[2] += d[2] * a


class Accel(Component):
    """Ballistic phases: a world acceleration given by a function of time (hop flight, contact)."""

    def __init__(self, t0, t1, fn, step=SMOOTH_STEP):
        Component.__init__(self, t0, t1)
        self.fn = fn
        self.step = step

    def add(self, t, out):
        ax, ay, az = self.fn(t)
        out[0] += ax
        out[1] += ay
        out[2] += az


# --- evaluation ------------------------------------------------------------------

class Timeline:
    """Components sorted by start; evaluates windows in increasing time order."""

    def __init__(self, components, end):
        self.comps = sorted(components, key=lambda c: (c.t0, c.t1))
        self.end = end
        self.reset()

    def reset(self):
        self.next = 0
        self.active = []
        self.base = [0.0, 0.0, 0.0]

    def advance(self, ta, tb):
        """Make the active set cover (ta, tb]: returns the finest step needed there."""
        comps = self.comps
        while self.next < len(comps) and comps[self.next].t0 < tb:
            self.active.append(comps[self.next])
            self.next += 1
        keep = []
        base = self.base
        step = SMOOTH_STEP
        for c in self.active:
            if c.t1 <= ta:
                f = c.final
                base[0] += f[0]
                base[1] += f[1]
                base[2] += f[2]
            else:
                keep.append(c)
                if c.step < step:
                    step = c.step
        self.active = keep
        return step

    def state(self, t, out):
        """World linear acceleration, Euler angles and rates at t into out[0:9] (after advance)."""
        for i in range(9):
            out[i] = 0.0
        out[3] = self.base[0]
        out[4] = self.base[1]
        out[5] = self.base[2]
        for c in self.active:
            if t < c.t0:
                continue
            if t >= c.t1:
                f = c.final
                out[3] += f[0]
                out[4] += f[1]
                out[5] += f[2]
                continue
            c.add(t, out)
        return out


def body_frame(state):
    """Specific force (a - g, so +g up at rest) and angular rate in the body frame from a state.

    Orientation is R = Rz(yaw) Ry(pitch) Rx(roll) (body -> world); the force is
    rotated by R^T and the Euler rates become body rates (ZYX kinematics).
    """
    fx, fy, fz = state[0], state[1], state[2] + G
    roll, pitch, yaw = state[3], state[4], state[5]
    dr, dp, dy = state[6], state[7], state[8]
    cr, sr = math.cos(roll), math.sin(roll)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cy, sy = math.cos(yaw), math.sin(yaw)
    # Rz^T
    x1 = cy * fx + sy * fy
    y1 = -sy * fx + cy * fy
    # Ry^T
    x2 = cp * x1 - sp * fz
    z2 = sp * x1 + cp * fz
    # Rx^T
    bx = x2
    by = cr * y1 + sr * z2
    bz = -sr * y1 + cr * z2
    p = dr - dy * sp
    q = dp * cr + dy * sr * cp
    r = -dp * sr + dy * cr * cp
    return bx, by, bz, p, q, r
