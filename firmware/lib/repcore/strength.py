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

from repcore.compat import const
from repcore.events import Rep
from repcore.filters import alpha, onset_us, stop_us
from repcore.orient import G, TiltAngle

_LP_TAU_US = const(25000)  # vertical acceleration low-pass (~6 Hz)
_LEAK_TAU_US = const(2000000)  # velocity leak between strokes: bounds drift from a residual bias
_RATE_TAU_US = const(60000)  # thigh angular rate low-pass
_QUIET_TAU_US = const(150000)  # stillness judged on this slower average
_QUIET_US = const(300000)  # still this long -> zero-velocity update, fast g learning
_G_REST_TAU_US = const(1000000)  # g follows the sensor at rest ...
_G_SLOW_TAU_US = const(16000000)  # ... and slowly otherwise (a rep's net acceleration is zero)
_G_SNAP_US = const(500000)  # g snapshots this far apart, to undo learning at a slow onset
_MAX_REP_HALF_US = const(4000000)  # g stays frozen this long after a lead stroke
_EXTRAP_US = const(600000)  # onset/stop extrapolation never exceeds this
_MERGE_US = const(350000)  # strokes closer than this in the same direction are one stroke
_MAX_STROKE_US = const(12000000)  # longer than this is drift, not a stroke
_MAX_PAIR_GAP_US = const(10000000)  # longest pause between the two halves of a rep
_REF_TAU_US = const(2000000)  # thigh standing reference adapts this slowly
_QUIET_W2 = 0.04  # (rad/s)^2: gyro below 0.2 rad/s counts as still

# Per mount: speed to start a stroke, floor of the stop speed, least stroke size.
# waist/implement in m/s and m, thigh in deg/s and degrees.
_IMPLEMENT_LEAK_TAU_US = const(300000)
_LIMITS = {
    "waist": (0.05, 0.025, 0.08),
    "implement": (0.06, 0.03, 0.08),
    "thigh": (12.0, 6.0, 15.0),
}
_QUIET_A = 0.08  # m/s^2: below this the hip is still or moving at constant speed
_QUIET_A2 = 0.16
_BALANCE = 0.45  # the smaller half of a rep must cover this share of the larger
_BALANCE_IMPLEMENT = 0.3


class StrengthDetector:
    """Feeds on samples, queues Rep events in self.out (the engine drains it)."""

    def __init__(self, mount="waist", tempo=None):
        self.mount = mount
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
        self.tilt = TiltAngle() if self.angular else None
        self.feed = self._feed_angular if self.angular else self._feed_linear
        self.period_c = 0
        self.reset()

    def reset(self):
        # Start from standard gravity (a stream may begin mid-movement) and
        # learn the sensor's own reading mostly while standing still.
        self.g = G
        if self.tilt is not None:
            self.tilt.reset()
        del self.out[:]
        self.count = 0
        self.lead = 0  # +1 up-first, -1 down-first, 0 unknown yet
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
        self.g_old = self.g_mid = self.g
        self.g_snap_us = -_G_SNAP_US
        self.v = 0.0
        self.x = 0.0
        self.x_prev = None
        self.quiet_us = 0
        self.moving = 0
        self.armed = True
        self.last_dir = 0
        self.s_start = 0
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
        self.k_rest = alpha(period, _G_REST_TAU_US)
        self.k_slow = alpha(period, _G_SLOW_TAU_US)
        self.k_rate = alpha(period, _RATE_TAU_US)
        self.leak_idle = period / _LEAK_TAU_US
        self.leak_stroke = period / self.stroke_leak_us if self.stroke_leak_us else 0.0

    def _feed_linear(self, t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
        """Waist / implement: |a| - g integrated; kept lean, it runs at 208 Hz on the board."""
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
                g += (amag - g) * self.k_rest
            else:
                g += (amag - g) * self.k_slow
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
        if -_QUIET_A < q < _QUIET_A and -_QUIET_A < a < _QUIET_A2 and gyro2 < _QUIET_W2:
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
        if t - self.g_snap_us > _G_SNAP_US:
            # g as it was 0.5-1 s ago, restored when a slow stroke turns out to have begun
            self.g_old = self.g_mid
            self.g_mid = g
            self.g_snap_us = t
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
                self.moving = 0
                self.armed = False
                self._set_phase(t)
        if self.has_q and self.moving == 0 and t - self.q_end > _MERGE_US:
            self._finalize()

    # --- strokes ----------------------------------------------------------

    def _start_stroke(self, t, x, v, a):
        d = 1 if v > 0 else -1
        # The slow start of this stroke looked like rest to the g estimate: undo that.
        if not self.angular:
            self.g = self.g_old
        start = onset_us(t, v, a, _EXTRAP_US)
        if start < self.s_start:
            start = self.s_start
        self.moving = d
        self.s_start = start
        # Displacement already covered since the onset (v ~ tau^2 => x ~ v tau / 3).
        self.s_x0 = x - v * (t - start) * 1e-6 / 3.0
        self.s_peak = v * d
        self._set_phase(start)

    def _end_stroke(self, t, x, s, a):
        d = self.moving
        self.last_dir = d
        end = stop_us(t, s, a, _EXTRAP_US)
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
