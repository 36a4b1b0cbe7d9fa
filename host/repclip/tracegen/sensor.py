"""The IMU model: turns a continuous Timeline into LSM6DS-like samples.

Each sample is the average of the motion over its own sample period (the
sensor's digital low-pass, approximated as a box filter), so a 10 ms landing
spike read at 25 Hz is smeared the way a real part smears it. Then: fixed
mount rotation (the clip sits at any angle), per-axis scale error and bias,
white noise, quantisation to the part's LSB at +/-16 g and +/-2000 dps, and
saturation. The white noise is a density, as a datasheet gives it: averaged
over the sample period like the motion, so a sample at 12.5 Hz is quieter
than one at 833 Hz (the table's figures are per sample at NOISE_REF_HZ).
Timestamps are integer microseconds at the true sample instants: the ODR is
off by up to 1 % and jitters by a few % of a period. Everything
is drawn from the caller's seeded random streams.
"""

import math

from repclip.tracegen.motion import G, body_frame

ACCEL_FULL_SCALE = 16.0 * G
GYRO_FULL_SCALE = math.radians(2000.0)
ACCEL_LSB = 0.488e-3 * G  # LSM6DSOX at +/-16 g
GYRO_LSB = math.radians(70e-3)  # at +/-2000 dps

# level: (accel noise m/s^2, gyro noise rad/s, accel bias max, gyro bias max, scale error max);
# the two noise figures are per sample at NOISE_REF_HZ (the board's own rate).
NOISE_REF_HZ = 208.0
NOISE = {
    "none": (0.0, 0.0, 0.0, 0.0, 0.0),
    "low": (0.02, 0.002, 0.05, 0.005, 0.01),
    "medium": (0.08, 0.01, 0.15, 0.015, 0.02),
    "high": (0.3, 0.05, 0.3, 0.03, 0.02),
}


def random_rotation(rng):
    """A uniformly random rotation matrix (Shoemake's quaternion method), rows as tuples."""
    u1, u2, u3 = rng.random(), rng.random(), rng.random()
    a = math.sqrt(1.0 - u1)
    b = math.sqrt(u1)
    w = a * math.sin(2 * math.pi * u2)
    x = a * math.cos(2 * math.pi * u2)
    y = b * math.sin(2 * math.pi * u3)
    z = b * math.cos(2 * math.pi * u3)
    return quat_matrix(w, x, y, z)


def quat_matrix(w, x, y, z):
    return ((1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
            (2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
            (2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))


IDENTITY = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def sample_times(rng, odr_hz, duration_s, jitter=0.02, odr_error=0.0):
    """True sample instants (float s) from 0 to duration: rate off by odr_error, jittered."""
    period = (1.0 / odr_hz) * (1.0 + odr_error)
    n = int(duration_s / period) + 1
    j = jitter * period
    out = []
    for k in range(n):
        t = k * period
        if j and k:
            t += rng.uniform(-j, j)
        out.append(t)
    return out


def _clamp(v, lim):
    if v > lim:
        return lim
    if v < -lim:
        return -lim
    return v


def _quant(v, lsb):
    return round(v / lsb) * lsb


def noise_sigmas(noise, odr_hz):
    """Per-sample white noise (accel m/s^2, gyro rad/s) at odr_hz.

    A sensor's noise is a density (ug/sqrt(Hz)): the sample's filter passes
    a band that scales with the ODR, so the per-sample sigma goes as
    sqrt(odr). (The LSM6DSOX: 70 ug/sqrt(Hz), 0.007 m/s^2 per sample at
    208 Hz; "low" is ~3x that, "medium" ~11x, "high" ~43x: body and
    clothing wobble, not the part.)"""
    sig_a, sig_g = NOISE[noise][:2]
    k = math.sqrt(odr_hz / NOISE_REF_HZ)
    return sig_a * k, sig_g * k


def sample(timeline, times, rng, noise="medium", mount_rot=IDENTITY, frame="sensor",
           start_us=0, drop_rate=0.0, drop_rng=None, odr_hz=NOISE_REF_HZ):
    """Samples (t_us, ax, ay, az, gx, gy, gz) of the timeline at the given instants.

    frame="world" skips the body and mount rotations (world-frame specific
    force, body rates) for physics checks; sensor errors still apply.
    """
    bias_a, bias_g, scale = NOISE[noise][2:]
    sig_a, sig_g = noise_sigmas(noise, odr_hz)
    ba = [rng.uniform(-bias_a, bias_a) for _ in range(3)]
    bg = [rng.uniform(-bias_g, bias_g) for _ in range(3)]
    sa = [1.0 + rng.uniform(-scale, scale) for _ in range(3)]
    sg = [1.0 + rng.uniform(-scale, scale) for _ in range(3)]
    quantise = noise != "none"
    (m00, m01, m02), (m10, m11, m12), (m20, m21, m22) = mount_rot
    world = frame == "world"
    gauss = rng.gauss
    state = [0.0] * 9
    timeline.reset()
    out = []
    prev = times[0] - (times[1] - times[0] if len(times) > 1 else 0.01)
    for t in times:
        step = timeline.advance(prev, t)
        width = t - prev
        k = int(width / step) + 1 if width > step else 1
        fx = fy = fz = wx = wy = wz = 0.0
        for i in range(k):
            tt = prev + (i + 0.5) * width / k
            timeline.state(tt, state)
            if world:
                fx += state[0]
                fy += state[1]
                fz += state[2] + G
                wx += state[6]
                wy += state[7]
                wz += state[8]
            else:
                bx, by, bz, p, q, r = body_frame(state)
                fx += bx
                fy += by
                fz += bz
                wx += p
                wy += q
                wz += r
        prev = t
        if k > 1:
            inv = 1.0 / k
            fx *= inv
            fy *= inv
            fz *= inv
            wx *= inv
            wy *= inv
            wz *= inv
        if not world:
            # mount_rot maps sensor -> body; the sensor reads body vectors rotated by its transpose.
            fx, fy, fz = (m00 * fx + m10 * fy + m20 * fz, m01 * fx + m11 * fy + m21 * fz,
                          m02 * fx + m12 * fy + m22 * fz)
            wx, wy, wz = (m00 * wx + m10 * wy + m20 * wz, m01 * wx + m11 * wy + m21 * wz,
                          m02 * wx + m12 * wy + m22 * wz)
        vals = [fx * sa[0] + ba[0], fy * sa[1] + ba[1], fz * sa[2] + ba[2],
                wx * sg[0] + bg[0], wy * sg[1] + bg[1], wz * sg[2] + bg[2]]
        if sig_a:
            for i in range(3):
                vals[i] += gauss(0.0, sig_a)
                vals[i + 3] += gauss(0.0, sig_g)
        for i in range(3):
            a = _clamp(vals[i], ACCEL_FULL_SCALE)
            g = _clamp(vals[i + 3], GYRO_FULL_SCALE)
            if quantise:
                a = _quant(a, ACCEL_LSB)
                g = _quant(g, GYRO_LSB)
            vals[i] = a
            vals[i + 3] = g
        out.append((start_us + int(round(t * 1e6)), vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]))
    if drop_rate and drop_rng is not None and len(out) > 2:
        kept = [out[0]]
        for s in out[1:-1]:
            if drop_rng.random() >= drop_rate:
                kept.append(s)
        kept.append(out[-1])
        out = kept
    return out
