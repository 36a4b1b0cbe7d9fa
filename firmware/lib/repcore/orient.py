"""Orientation independence: where is down, whatever angle the clip sits at?

The magnitude of specific force |a| is the same at any clip angle. Along the
vertical it reads g + a_vertical when horizontal accelerations are small
(squats, lunges, step-ups), so |a| minus a slowly tracked g gives vertical
acceleration without knowing the orientation (repcore.strength tracks g;
the slow estimate also absorbs the sensor's scale error).

The thigh mount needs the angle instead: the low-passed acceleration vector
is the gravity direction in the sensor frame; its angle from the standing
reference direction is the thigh's flexion.
"""

import math

from repcore.compat import const
from repcore.filters import alpha

G = 9.80665
_DIR_TAU_US = const(60000)  # ~2.7 Hz: keeps the tilt, drops most of the motion
_FUSE_TAU_US = const(1000000)  # gyro angle trusts the accelerometer over ~1 s


class TiltAngle:
    """Angle (degrees) between the low-passed acceleration and a reference direction."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.x = self.y = self.z = 0.0
        self.rx = self.ry = self.rz = 0.0
        self.have_ref = False
        self.ref_us = 0
        # Flexion axis (unit, sensor frame) and the gyro-fused angle.
        self.cx = self.cy = self.cz = 0.0
        self.have_axis = False
        self.theta = 0.0

    def fuse(self, gx, gy, gz, dt_us):
        """Flexion rate (deg/s) from the gyro and a complementary-filtered angle.

        The gravity direction g seen from the sensor turns as dg/dt = g x w,
        so the angle from the reference r changes at -w . (r x g)/|r x g|.
        The axis r x g is the thigh's flexion axis; it is kept from the last
        clear tilt so the rate stays defined near standing. The gyro angle
        is pulled toward the accelerometer angle over _FUSE_TAU_US (drift).
        """
        ang = self.angle()
        if ang > 8.0:
            cx = self.ry * self.z - self.rz * self.y
            cy = self.rz * self.x - self.rx * self.z
            cz = self.rx * self.y - self.ry * self.x
            n = math.sqrt(cx * cx + cy * cy + cz * cz)
            if n > 0.0:
                self.cx, self.cy, self.cz = cx / n, cy / n, cz / n
                self.have_axis = True
        if not self.have_axis:
            self.theta = ang
            return ang, None
        rate = -(gx * self.cx + gy * self.cy + gz * self.cz) * 57.29577951308232
        th = self.theta + rate * dt_us * 1e-6
        self.theta = th + (ang - th) * alpha(dt_us, _FUSE_TAU_US)
        return self.theta, rate

    def update(self, ax, ay, az, dt_us):
        k = alpha(dt_us, _DIR_TAU_US)
        if not self.have_ref:
            # First sample: the athlete stands (a set starts at the top).
            self.x, self.y, self.z = ax, ay, az
            self.rx, self.ry, self.rz = ax, ay, az
            self.have_ref = True
        else:
            self.x += (ax - self.x) * k
            self.y += (ay - self.y) * k
            self.z += (az - self.z) * k
        return self.angle()

    def learn_reference(self, dt_us, tau_us):
        """Move the reference toward the current direction (call while standing still)."""
        if not self.have_ref:
            self.rx, self.ry, self.rz = self.x, self.y, self.z
            self.have_ref = True
            return
        k = alpha(dt_us, tau_us)
        self.rx += (self.x - self.rx) * k
        self.ry += (self.y - self.ry) * k
        self.rz += (self.z - self.rz) * k

    def angle(self):
        if not self.have_ref:
            return 0.0
        n1 = self.x * self.x + self.y * self.y + self.z * self.z
        n2 = self.rx * self.rx + self.ry * self.ry + self.rz * self.rz
        if n1 <= 0.0 or n2 <= 0.0:
            return 0.0
        c = (self.x * self.rx + self.y * self.ry + self.z * self.rz) / math.sqrt(n1 * n2)
        if c > 1.0:
            c = 1.0
        elif c < -1.0:
            c = -1.0
        return math.acos(c) * 57.29577951308232
