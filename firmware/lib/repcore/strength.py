"""Strength reps: strokes of the hip (or bar, or thigh angle) paired into reps.

Front end (per sample, a handful of multiplies):
  waist / implement: vertical acceleration = |a| - slow |g| (orientation free),
      low-passed, integrated to velocity (slightly leaky, reset to zero while
      standing still: zero-velocity updates) and to displacement;
  thigh: flexion angle of the thigh from the standing reference direction
      (degrees), and its rate.
Strokes: a stroke is a movement one way whose speed rises above V_ON and
ends when it falls below 15 % of its peak; its onset and stop are
extrapolated to zero speed (filters.onset_us / stop_us). A stroke counts only
if it covers at least D_MIN (walking bob, fidgeting and sway do not).
Reps: the first stroke of a set fixes the lead direction (down for squats,
up for deadlifts from the floor and step-ups); a rep is a lead stroke
followed by an opposite stroke of similar size (re-racks and half moves
fail that), confirmed MERGE_US after the second stroke stops (a sticking
point that splits a stroke in two is merged back).
"""

import math
from array import array

from repcore.compat import const
from repcore.events import Rep
from repcore.filters import alpha, onset_us, stop_us
from repcore.orient import G, TiltAngle

_LP_TAU_US = const(25000)  # vertical acceleration low-pass (~6 Hz)
_LEAK_TAU_US = const(2000000)  # velocity leak between strokes: bounds drift from a residual bias
_RATE_TAU_US = const(60000)  # thigh angular rate low-pass
_QUIET_TAU_US = const(150000)  # stillness judged on this slower average
_QUIET_US = const(300000)  # still this long -> zero-velocity update, fast g learning
_ZUPT_SHARE = 0.5  # ... and a stroke slower than this share of its peak speed has ended
_QUIET_LAG_US = const(100000)  # stillness is seen this long after it begins (slow average)
_G_QUIET_US = const(300000)  # g is learned only after this long still (plus the delay)
_G_REST_TAU_US = const(5000000)  # g follows the sensor at rest, slowly ...
_G_FIRST_TAU_US = const(200000)  # ... but quickly at the first rest of a stream
_G_INIT_BLOCKS = const(12)  # g starts as the mean of the first blocks of a stream
_G_DELAY = const(32)  # g learns from the reading this many blocks ago (~1 s at 208 Hz)
_MAX_REP_HALF_US = const(4000000)  # g stays frozen this long after a lead stroke
_EXTRAP_US = const(600000)  # onset/stop extrapolation never exceeds this
_STOP_SHARE_NUM = const(3)  # stop extrapolation <= 3/20 of the stroke so far
_STOP_SHARE_DEN = const(20)
_MERGE_US = const(350000)  # strokes closer than this in the same direction are one stroke
_MAX_STROKE_US = const(6000000)  # longer than this is drift, not a stroke
_MAX_PAIR_GAP_US = const(10000000)  # longest pause between the two halves of a rep
_REF_TAU_US = const(2000000)  # thigh standing reference adapts this slowly
_DIR_TAU_US = const(3000000)  # gravity direction: the gyro carries it, the accelerometer corrects drift
_DIR_REST_TAU_US = const(300000)  # ... quickly while still
_DIR_FAR2 = 0.005  # gyro and accelerometer directions more than ~4 degrees apart: reset
_QUIET_W2 = 0.02  # (rad/s)^2: gyro below 0.14 rad/s (8 deg/s) counts as still

# Per mount: speed to start a stroke, floor of the stop speed, least stroke size.
# waist/implement in m/s and m, thigh in deg/s and degrees.
_IMPLEMENT_LEAK_TAU_US = const(300000)
_I_G_REST_TAU_US = const(1000000)  # implement: g follows the sensor at rest ...
_I_G_SLOW_TAU_US = const(16000000)  # ... and slowly otherwise
_I_G_SNAP_US = const(500000)  # g snapshots, to undo learning at a slow onset
_I_QUIET_W2 = 0.04  # (rad/s)^2 implement stillness: a hand is never as still as a hip
_I_QUIET_A2 = 0.16
_LIMITS = {
    "waist": (0.05, 0.025, 0.08),
    "implement": (0.06, 0.03, 0.08),
    "thigh": (12.0, 6.0, 15.0),
}
_QUIET_A = 0.08  # m/s^2: below this the hip is still or moving at constant speed
_QUIET_E2 = 0.0064  # (m/s^2)^2: fv varies less than 0.08 m/s^2 beyond the noise ...
_QUIET_NOISE_K = 4.0  # ... whose floor (variance) is this many times the tracked low percentile
_QUIET_MEAN_TAU_US = const(1000000)  # fv's local mean, for its variation
_NOISE_DOWN_TAU_US = const(500000)  # noise floor follows quiet spells quickly ...
_NOISE_UP_TAU_US = const(8000000)  # ... and motion only slowly
_GYRO_BIAS_TAU_US = const(2000000)  # gyro bias learned at rest
_QUIET_A2 = 0.16
_BALANCE = 0.45  # the smaller half of a rep must cover this share of the larger
_BALANCE_IMPLEMENT = 0.3


# Lifts that start at the bottom: the first stroke of a rep goes up.
CONCENTRIC_FIRST = ("step_up", "kettlebell_deadlift", "kb_deadlift", "deadlift", "trap_bar_deadlift",
                    "box_step_up", "lateral_step_up")


def lead_for(exercise):
    """+1 (up first) for lifts from the bottom, -1 (down first) for the rest, 0 when unknown."""
    if not exercise:
        return 0
    return 1 if exercise in CONCENTRIC_FIRST else -1


class StrengthDetector:
    """Feeds on samples, queues Rep events in self.out (the engine drains it)."""

    def __init__(self, mount="waist", tempo=None, exercise=None):
        self.mount = mount
        # The prescribed exercise tells which way a rep starts; without it the
        # first stroke of the set decides (a set-up hinge to a bell on the
        # floor then counts as the first half of a rep).
        self.lead_hint = lead_for(exercise)
        self.angular = mount == "thigh"
        self.v_on, self.v_end_min, self.d_min = _LIMITS[mount]
        self.tempo = tempo
        # A bar or bell held in the hand turns and swings: its |a| carries
        # offsets a clean integration cannot survive, so its velocity is
        # high-passed within strokes too (counts stay robust, timing coarser).
        self.stroke_leak_us = _IMPLEMENT_LEAK_TAU_US if mount == "implement" else 0
        # The high-pass shrinks long strokes more than short ones: looser balance there.
        self.balance = _BALANCE_IMPLEMENT if mount == "implement" else _BALANCE
        self.out = []
        self.g_ring = array("f", [G] * _G_DELAY)  # fixed storage: no allocation per block
        self.tilt = TiltAngle() if self.angular else None
        if self.angular:
            self.feed = self._feed_angular
        elif mount == "implement":
            self.feed = self._feed_implement
        else:
            self.feed = self._feed_linear
        self.period_c = 0
        self.reset()

    def reset(self):
        # Start from standard gravity (a stream may begin mid-movement) and
        # learn the sensor's own reading mostly while standing still.
        self.g = G
        self.has_gyro = False  # set once any gyro reading is non-zero
        # What the sensor itself is like survives a gap in the stream: its 1 g,
        # the gyro's bias, the gravity direction (corrected within a block or two).
        self.g_set = False
        self.g_first = False
        self.g_seen = 0
        self.bx = self.by = self.bz = 0.0
        self.have_dir = False
        self.ux = self.uy = 0.0
        self.uz = 1.0
        if self.tilt is not None:
            self.tilt.reset()
        del self.out[:]
        self.count = 0
        self.lead = self.lead_hint  # +1 up-first, -1 down-first, 0 unknown yet
        self.has_p = False  # first half of a rep (a lead stroke) is waiting
        self.has_q = False  # second half is waiting for its confirmation
        self.p_start = self.p_end = self.q_start = self.q_end = 0
        self.p_disp = self.q_disp = 0.0
        self.phase = "top"
        self.phase_start_us = 0
        self._restart()

    def _restart(self):
        """Forget the motion state (start of stream or after a gap), keep the reps."""
        self.a_lp = 0.0
        self.a_q = 0.0
        self.a_qg = 0.0
        self.w2_lp = 0.0
        self.fv_m = self.g
        self.e2 = 0.0
        self.nf = 1.0
        self.g_i_old = self.g_i_mid = self.g
        self.g_i_snap = -_I_G_SNAP_US
        for k in range(_G_DELAY):
            self.g_ring[k] = self.g
        self.g_i = 0
        self.v = 0.0
        self.x = 0.0
        self.x_prev = None
        self.quiet_us = 0
        self.moving = 0
        self.armed = True
        self.last_dir = 0
        self.s_start = 0
        self.s_end = 0
        self.s_x0 = 0.0
        self.s_peak = 0.0

    # --- per sample -------------------------------------------------------
    # The engine calls feed(t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
    # dt is this step (integration), period the engine's smoothed sample
    # period (filter coefficients, recomputed only when it changes).

    def _coeffs(self, period):
        self.period_c = period
        self.dts_c = period * 1e-6
        self.k_lp = alpha(period, _LP_TAU_US)
        self.k_q = alpha(period, _QUIET_TAU_US)
        self.k_m = alpha(period, _QUIET_MEAN_TAU_US)
        self.k_nf_down = alpha(period, _NOISE_DOWN_TAU_US)
        self.k_nf_up = alpha(period, _NOISE_UP_TAU_US)
        self.k_gb = alpha(period, _GYRO_BIAS_TAU_US)
        self.k_rest = alpha(period, _G_REST_TAU_US)
        self.k_first = alpha(period, _G_FIRST_TAU_US)
        self.k_i_rest = alpha(period, _I_G_REST_TAU_US)
        self.k_i_slow = alpha(period, _I_G_SLOW_TAU_US)
        # still long enough that the queued reading was taken at rest too
        self.g_quiet_us = _G_QUIET_US + _G_DELAY * period
        self.k_rate = alpha(period, _RATE_TAU_US)
        self.k_dir = alpha(period, _DIR_TAU_US)
        self.k_dir_rest = alpha(period, _DIR_REST_TAU_US)
        self.leak_idle = period / _LEAK_TAU_US
        self.leak_stroke = period / self.stroke_leak_us if self.stroke_leak_us else 0.0

    def _feed_linear(self, t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
        """Waist / implement: vertical acceleration along the tracked gravity direction, integrated."""
        if period != self.period_c:
            self._coeffs(period)
        dts = dt * 1e-6
        moving = self.moving
        quiet = self.quiet_us
        if gyro2 > 0.0:
            self.has_gyro = True
        if not self.have_dir:
            # First block of a stream: the accelerometer's direction is down.
            n = amag if amag > 0.0 else 1.0
            self.ux, self.uy, self.uz = ax / n, ay / n, az / n
            self.have_dir = True
        if self.has_gyro:
            # Gravity direction in the sensor frame: turned by the gyro (a
            # world-fixed vector seen from a body turning at w changes at u x w),
            # pulled slowly toward the accelerometer's direction (gyro drift).
            ux, uy, uz = self.ux, self.uy, self.uz
            cx = uy * gz - uz * gy
            cy = uz * gx - ux * gz
            cz = ux * gy - uy * gx
            ux += cx * dts
            uy += cy * dts
            uz += cz * dts
            if 5.9 < amag < 13.7:
                ex = ax / amag - ux
                ey = ay / amag - uy
                ez = az / amag - uz
                k = self.k_dir
                if ex * ex + ey * ey + ez * ez > _DIR_FAR2:
                    # The gyro has wandered off (or disagrees with the
                    # accelerometer): fall back on the accelerometer's direction,
                    # which makes fv = |a|, the orientation-free estimate.
                    k = 1.0
                elif quiet > _QUIET_US:
                    k = self.k_dir_rest  # at rest: correct quickly
                ux += ex * k
                uy += ey * k
                uz += ez * k
            n = math.sqrt(ux * ux + uy * uy + uz * uz)
            ux /= n
            uy /= n
            uz /= n
            self.ux, self.uy, self.uz = ux, uy, uz
            # Along the vertical, linear accelerations across it drop out.
            fv = ax * ux + ay * uy + az * uz
        else:
            fv = amag  # no gyro: |a| is the best orientation-free vertical
        # g (with the sensor's scale and bias) is learned at rest, from the
        # reading of _G_DELAY blocks ago: the first second of a slow stroke is
        # as quiet as rest, and by the time the stroke is seen, what it would
        # have taught is still in the queue. Fast at the first rest of a stream,
        # then slowly.
        if self.g_seen < _G_INIT_BLOCKS:
            # First readings of a stream: their mean, the sensor's own 1 g
            # (scale error and bias included), is a better start than standard
            # gravity, moving or not.
            if 9.3 < fv < 10.3:  # within 5 % of 1 g: a stream may start mid-movement
                n = self.g_seen + 1
                self.g_seen = n
                g = self.g + (fv - self.g) / n
                self.g = self.fv_m = g
                for k in range(_G_DELAY):
                    self.g_ring[k] = g
        ring = self.g_ring
        i = self.g_i
        fv_old = ring[i]
        ring[i] = fv
        i += 1
        self.g_i = i if i < _G_DELAY else 0
        g = self.g
        if moving == 0 and quiet > self.g_quiet_us and 5.9 < fv_old < 13.7:
            if self.g_set:
                g += (fv_old - g) * self.k_rest
            else:
                g += (fv_old - g) * self.k_first
                self.g_first = True
            self.g = g
        elif self.g_first:
            self.g_set = True  # the first rest is over: slow learning from now on
        av = fv - g
        a = self.a_lp
        a += (av - a) * self.k_lp
        self.a_lp = a
        v = self.v
        v += a * dts
        if moving == 0:
            v -= v * self.leak_idle  # between strokes: drift fades
        else:
            v -= v * self.leak_stroke  # within a stroke: only for the implement
        x = self.x + v * dts
        # Stillness on a slower average, so sensor noise at low rates does not
        # hide it; measured against fv's own local mean (not g, which may not
        # be learned yet), and on the gyro less its bias learned at rest.
        m = self.fv_m
        m += (fv - m) * self.k_m
        self.fv_m = m
        q = self.a_q
        q += (fv - m - q) * self.k_q
        self.a_q = q
        qg = self.a_qg
        qg += (av - qg) * self.k_q
        self.a_qg = qg
        wx = gx - self.bx
        wy = gy - self.by
        wz = gz - self.bz
        w2 = self.w2_lp
        w2 += (wx * wx + wy * wy + wz * wz - w2) * self.k_q
        self.w2_lp = w2
        # Still against the local mean (g may be off) or against g (the local
        # mean lags for a second after a stroke).
        if (-_QUIET_A < q < _QUIET_A or -_QUIET_A < qg < _QUIET_A) and w2 < _QUIET_W2:
            if quiet > _QUIET_US:
                k = self.k_gb
                self.bx += wx * k
                self.by += wy * k
                self.bz += wz * k
            quiet += dt
            if quiet > _QUIET_US:
                if moving == 0:
                    # No zero-velocity update here: the first second of a slow
                    # stroke is as quiet as rest to an accelerometer. The idle
                    # leak removes drift instead.
                    pass
                elif (x - self.s_x0) * moving < self.d_min:
                    # A "stroke" creeping along while the body is still is drift.
                    self.moving = moving = 0
                    self.armed = True
                    v = 0.0
                    self._set_phase(t)
                elif v * moving < self.s_peak * _ZUPT_SHARE:
                    # Still and slowing, though the integrated speed has not
                    # come down (drift): the stroke ended when the stillness
                    # began. (At full speed, stillness of the accelerometer is
                    # the constant-speed middle of a slow stroke.)
                    self._end_stroke(t - quiet + _QUIET_LAG_US, x, 0.0, 0.0)
                    moving = 0
                    v = 0.0
        else:
            quiet = 0
        self.quiet_us = quiet
        self.v = v
        self.x = x
        self._track(t, x, v, a, moving)

    def _feed_implement(self, t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
        """Implement: |a| - g integrated, velocity high-passed within strokes.

        A bell or bar in the hand turns and swings with the wrist and is
        rarely still: |a| is the robust vertical there, g is learned slowly,
        and the stroke velocity leaks (_IMPLEMENT_LEAK_TAU_US) so offsets a
        clean integration cannot survive fade. Counts stay robust (real
        barbell recordings), timing is coarser than at the waist.
        """
        if period != self.period_c:
            self._coeffs(period)
        moving = self.moving
        v = self.v
        quiet = self.quiet_us
        g = self.g
        if moving == 0 and 5.9 < amag < 13.7:  # free fall and impacts are not gravity
            # Learn g fast at rest, slowly otherwise, not at all mid-rep (the
            # net acceleration of a half rep is not zero).
            if self.has_p and t - self.p_end < _MAX_REP_HALF_US:
                pass
            elif quiet > _QUIET_US and -0.05 < v < 0.05:
                g += (amag - g) * self.k_i_rest
            else:
                g += (amag - g) * self.k_i_slow
            self.g = g
        av = amag - g
        a = self.a_lp
        a += (av - a) * self.k_lp
        self.a_lp = a
        dts = dt * 1e-6
        v += a * dts
        if moving == 0:
            v -= v * self.leak_idle  # between strokes: drift fades
        else:
            v -= v * self.leak_stroke  # within a stroke: only for the implement
        x = self.x + v * dts
        # Stillness on a slower average, so sensor noise at low rates does not hide it.
        q = self.a_q
        q += (av - q) * self.k_q
        self.a_q = q
        if -_QUIET_A < q < _QUIET_A and -_QUIET_A < a < _I_QUIET_A2 and gyro2 < _I_QUIET_W2:
            quiet += dt
            if quiet > _QUIET_US and -0.1 < v < 0.1:
                if moving == 0:
                    v = 0.0  # zero-velocity update
                elif (x - self.s_x0) * moving < self.d_min:
                    # A "stroke" creeping along while the body is still is drift.
                    self.moving = moving = 0
                    self._set_phase(t)
        else:
            quiet = 0
        self.quiet_us = quiet
        self.v = v
        self.x = x
        if t - self.g_i_snap > _I_G_SNAP_US:
            # g as it was 0.5-1 s ago, restored when a slow stroke turns out to have begun
            self.g_i_old = self.g_i_mid
            self.g_i_mid = g
            self.g_i_snap = t
        self._track(t, x, v, a, moving)

    def _feed_angular(self, t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
        """Thigh: flexion angle (gyro-fused when there is a gyro) and its rate."""
        if period != self.period_c:
            self._coeffs(period)
        dts = dt * 1e-6
        tilt = self.tilt
        tilt.update(ax, ay, az, dt)
        rate = None
        if gyro2 > 0.0:
            theta, rate = tilt.fuse(gx, gy, gz, dt)
        else:
            theta = tilt.angle()
        x = -theta
        if self.x_prev is None:
            self.x_prev = x
        if rate is None:  # no gyro: differentiate the accelerometer angle
            rate = (x - self.x_prev) / dts
        else:
            rate = -rate
        self.x_prev = x
        k = self.k_rate
        v_old = self.v
        v = v_old + (rate - v_old) * k
        a = self.a_lp + ((v - v_old) / dts - self.a_lp) * k
        self.v = v
        self.a_lp = a
        self.x = x
        av = amag - self.g
        if -0.4 < av < 0.4 and gyro2 < _QUIET_W2:
            self.quiet_us += dt
        else:
            self.quiet_us = 0
        moving = self.moving
        if moving == 0 and self.quiet_us > _QUIET_US and -x < 20.0 and not self.has_p:
            tilt.learn_reference(dt, _REF_TAU_US)
        self._track(t, x, v, a, moving)

    def _track(self, t, x, v, a, moving):
        """Stroke state machine shared by both front ends."""
        if moving == 0:
            v_on = self.v_on
            if v > v_on or v < -v_on:
                # Not armed = just stopped; a reversal (bounce) may start at once.
                if self.armed or (v > 0) != (self.last_dir > 0):
                    self._start_stroke(t, x, v, a)
            elif not self.armed and -v_on * 0.5 < v < v_on * 0.5:
                self.armed = True
        else:
            s = v * moving
            peak = self.s_peak
            if s > peak:
                self.s_peak = peak = s
            v_end = peak * 0.15
            if v_end < self.v_end_min:
                v_end = self.v_end_min
            if s < v_end:
                self._end_stroke(t, x, s, a)
            elif t - self.s_start > _MAX_STROKE_US:
                # Longer than any lift's stroke: drift from a wrong g. Start
                # over from rest and learn g afresh at the next stillness.
                self.moving = 0
                self.armed = False
                self.v = 0.0
                self.g_set = False
                self._set_phase(t)
        if self.has_q and self.moving == 0 and t - self.q_end > _MERGE_US:
            self._finalize()

    # --- strokes ----------------------------------------------------------

    def _start_stroke(self, t, x, v, a):
        d = 1 if v > 0 else -1
        if self.mount == "implement":
            # The slow start of this stroke looked like rest to the g estimate: undo that.
            self.g = self.g_i_old
        start = onset_us(t, v, a, _EXTRAP_US)
        if start < self.s_end:
            start = self.s_end  # not before the previous stroke came to rest
        self.moving = d
        self.s_start = start
        # Displacement already covered since the onset (v ~ tau^2 => x ~ v tau / 3).
        self.s_x0 = x - v * (t - start) * 1e-6 / 3.0
        self.s_peak = v * d
        self._set_phase(start)

    def _end_stroke(self, t, x, s, a):
        d = self.moving
        self.last_dir = d
        # A smooth stroke slows below 15 % of its peak speed in its last ~11 %:
        # the extrapolation to rest never reaches further than that.
        lim = (t - self.s_start) * _STOP_SHARE_NUM // _STOP_SHARE_DEN
        end = stop_us(t, s, a, lim if lim < _EXTRAP_US else _EXTRAP_US)
        self.s_end = end
        disp = (x - self.s_x0) * d + s * (end - t) * 1e-6 / 3.0
        self.moving = 0
        self.armed = False
        if disp >= self.d_min:
            self._stroke(d, self.s_start, end, disp)
        self._set_phase(end)

    def gap(self, t_last):
        """The stream stopped at t_last: close a cut stroke there, settle the rep."""
        if self.moving:
            d = self.moving
            disp = (self.x - self.s_x0) * d
            self.moving = 0
            if disp >= self.d_min:
                self._stroke(d, self.s_start, t_last, disp)
        if self.has_q:
            self._finalize()
        self._restart()
        self._set_phase(t_last)

    def finish(self, t_last):
        self.gap(t_last)

    def _stroke(self, d, start, end, disp):
        if self.lead == 0:
            self.lead = d
        if d == self.lead:
            if self.has_q:
                self._finalize()
            if self.has_p and not self.has_q and start - self.p_end < _MERGE_US:
                self.p_end = end
                self.p_disp += disp
                return
            self.has_p = True
            self.has_q = False
            self.p_start, self.p_end, self.p_disp = start, end, disp
            return
        if not self.has_p:
            return  # a return stroke without its first half (e.g. standing up to start)
        if self.has_q:
            if start - self.q_end < _MERGE_US:
                self.q_end = end
                self.q_disp += disp
            return
        if start - self.p_end > _MAX_PAIR_GAP_US:
            self.has_p = False
            return
        self.has_q = True
        self.q_start, self.q_end, self.q_disp = start, end, disp

    def _finalize(self):
        self.has_q = False
        self.has_p = False
        big = self.p_disp if self.p_disp > self.q_disp else self.q_disp
        small = self.q_disp if self.p_disp > self.q_disp else self.p_disp
        if small < self.balance * big:
            return
        start, bottom, rise, end = self.p_start, self.p_end, self.q_start, self.q_end
        if rise < bottom:  # extrapolations overlapped at a bounce
            bottom = rise = (bottom + rise) // 2
        if bottom < start:
            bottom = start
        if end < rise:
            end = rise
        self.count += 1
        rep = Rep(self.count, start, bottom, rise, end)
        if self.lead > 0:
            rep.concentric_first = True
            up_disp, up_us = self.p_disp, bottom - start
        else:
            up_disp, up_us = self.q_disp, end - rise
        if self.angular:
            rep.depth_deg = (self.p_disp + self.q_disp) * 0.5
        else:
            rep.rom_cm = (self.p_disp + self.q_disp) * 50.0
            if up_us > 0:
                rep.mean_velocity_m_s = up_disp / (up_us * 1e-6)
        if self.tempo is not None:
            self.tempo.judge_rep(rep)
        self.out.append(rep)

    def _set_phase(self, t):
        m = self.moving
        if m < 0:
            phase = "eccentric"
        elif m > 0:
            phase = "concentric"
        elif self.has_p and not self.has_q:
            phase = "pause" if self.lead < 0 else "top"
        else:
            phase = "top"
        if phase != self.phase:
            self.phase = phase
            self.phase_start_us = t
