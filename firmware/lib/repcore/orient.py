"""Orientation independence: where is down, whatever angle the clip sits at?

The magnitude of specific force |a| is the same at any clip angle. Along the
vertical it reads g + a_vertical when horizontal accelerations are small
(squats, lunges, step-ups), so |a| minus a slowly tracked g gives vertical
acceleration without knowing the orientation. The slow estimate of g also
absorbs the sensor's scale error.

The thigh mount needs the angle instead: the low-passed acceleration vector
is the gravity direction in the sensor frame; its angle from the standing
reference direction is the thigh's flexion.
"""

import math

from repcore.compat import const
from repcore.filters import alpha

G = 9.80665
_G_QUIET_TAU_US = const(1000000)  # standing still: follow the sensor's reading
_G_TAU_US = const(16000000)  # moving: slow, a rep's net vertical acceleration averages to zero
_DIR_TAU_US = const(60000)  # ~2.7 Hz: keeps the tilt, drops most of the motion


class GravityMagnitude:
    """Slow estimate of |g| as read by this sensor; vertical = |a| - estimate."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.g = G

    def update(self, amag, dt_us, learn=1):
        """Vertical acceleration; learn: 0 frozen (mid-stroke), 1 slowly, 2 at rest (fast)."""
        # Start from standard gravity (a stream may begin mid-movement) and
        # learn the sensor's own reading mostly while standing still.
        if learn and 0.6 * G < amag < 1.4 * G:  # free fall and impacts are not gravity
            tau = _G_QUIET_TAU_US if learn == 2 else _G_TAU_US
            self.g += (amag - self.g) * alpha(dt_us, tau)
        return amag - self.g


class TiltAngle:
    """Angle (degrees) between the low-passed acceleration and a reference direction."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.x = self.y = self.z = 0.0
        self.rx = self.ry = self.rz = 0.0
        self.have_ref = False
        self.ref_us = 0

    def update(self, ax, ay, az, dt_us):
        k = alpha(dt_us, _DIR_TAU_US)
        if not self.have_ref:
            self.x, self.y, self.z = ax, ay, az
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
