"""Hops: free fall between take-off and touch-down, then the landing.

In flight the accelerometer reads |a| ~ 0 g whatever its orientation (it
falls with the body); on the ground it reads ~1 g or more. A flight is
detected where |a| falls below FREE_FALL_G. The ground force does not drop
to zero at once, though: it ramps down over the last tens of ms of the push
(and up again at the landing), so the 0.4 g crossing comes a few ms before
the real take-off (and after the real touch-down). Each edge is therefore
timed where the ramp reaches zero: the crossings of RAMP_G and FREE_FALL_G
(interpolated between samples) are extrapolated linearly to 0 g when at
least one sample lies on the ramp between them (else the edge looks like a
step at this rate and the interpolated 0.4 g crossing stands), by at most
MAX_EXTRAP_US, and never beyond where the nearest free-fall sample's own
reading puts zero on the same slope (at low rates that sample is already ~0 g). A flight counts only if it lasts
MIN_FLIGHT_US..MAX_FLIGHT_US (walking and running never reach free fall at
the hip for long; a dropped device falls longer).

A flight that starts without a push above PUSH_G in the PUSH_WINDOW_US
before it is a drop (stepping off a box): its landing starts the contact
of the jump that follows (drop-jump contact time and RSI) but is no hop.

Landing: the peak |a| within LANDING_WINDOW_US after touch-down (or until the
next take-off), and the loading rate peak_g / time from touch-down to peak.
Softness grades (docs/engine.md explains the literature behind them):
  soft      peak < SOFT_PEAK_G     and loading rate < SOFT_RATE_G_S
  hard      peak >= HARD_PEAK_G    or  loading rate >= HARD_RATE_G_S
  moderate  otherwise
"""

from repcore.compat import const
from repcore.events import G, HARD, MODERATE, SOFT, Hop

FREE_FALL_G = 0.4
RAMP_G = 1.0  # second level on the force ramp, for the extrapolation to 0 g
MAX_EXTRAP_US = const(25000)  # a ramp slower than this is not a clean edge: keep the crossing
MIN_FLIGHT_US = const(100000)  # 1.2 cm jump: anything shorter is a jolt (or a thigh's swing) ...
_SLOW_PERIOD_US = const(25000)  # ... but below 40 Hz the sensor's averaging over a period
# blurs both edges of a short flight: there the minimum is one period less
MAX_FLIGHT_US = const(1200000)  # 1.77 m jump: longer is a dropped device
MAX_CONTACT_US = const(2000000)  # longer ground time starts a new series (no contact/RSI)
MIN_CONTACT_US = const(110000)  # a hop's ground contact takes ~130 ms or more even in stiff pogo
# hops: a "flight" sooner (less one sample period) after a touch-down is a thigh's swing within the contact
LANDING_WINDOW_US = const(250000)
MIN_RISE_US = const(2000)
DEEP_G = 0.12  # a flight reads ~0 g at least once (hip, implement); the dip of a stride or a rise does not
DEEP_THIGH_G = 0.25  # the thigh swings through a flight, so it reads a little more
PUSH_G = 1.3  # a hop's take-off follows a push (or a rebound) above this ...
PUSH_WINDOW_US = const(400000)  # ... within this long; a step off a box has none  # loading-rate floor: one peak sample right at touch-down

SOFT_PEAK_G = 3.0
SOFT_RATE_G_S = 40.0
HARD_PEAK_G = 5.0
HARD_RATE_G_S = 100.0

_FF = FREE_FALL_G * G
_RAMP = RAMP_G * G
_PUSH = PUSH_G * G
_DEEP = DEEP_G * G
_DEEP_THIGH = DEEP_THIGH_G * G
_EXTRAP_K = FREE_FALL_G / (RAMP_G - FREE_FALL_G)  # zero lies this many ramp spans beyond 0.4 g


def grade(peak_g, rate_g_s):
    """Landing softness from peak g and loading rate (g/s)."""
    if peak_g >= HARD_PEAK_G or rate_g_s >= HARD_RATE_G_S:
        return HARD
    if peak_g < SOFT_PEAK_G and rate_g_s < SOFT_RATE_G_S:
        return SOFT
    return MODERATE


def _cross(t_prev, a_prev, t, a, level=_FF):
    """Interpolated time at which |a| crossed `level` between two samples."""
    d = a_prev - a
    if d == 0.0:
        return t
    f = (a_prev - level) / d
    if f < 0.0:
        f = 0.0
    elif f > 1.0:
        f = 1.0
    return t_prev + int((t - t_prev) * f)


class HopDetector:
    def __init__(self, mount="waist"):
        # A thigh swings through the flight (its reading stays well above 0 g);
        # the hip and a held implement fall with the body.
        self.deep = _DEEP_THIGH if mount == "thigh" else _DEEP
        self.out = []
        self.reset()

    def reset(self):
        del self.out[:]
        self.count = 0
        self.last_touchdown = None  # previous hop's touch-down, for contact time
        self.phase = "ground"
        self.phase_start_us = 0
        self._restart()

    def _restart(self):
        self.t_prev = None
        self.a_prev = G
        self.in_flight = False
        self.takeoff = 0
        self.t_ramp = -1  # last downward RAMP_G crossing on the ground, -1: none since above it
        self.td_lo = -1  # an upward 0.4 g crossing waiting for its RAMP_G crossing, -1: none
        self.td_t = 0  # the last free-fall sample before it, and its reading
        self.td_a = 0.0
        self.landing = False  # a landing window is open
        self.l_takeoff = self.l_touchdown = 0
        self.l_contact = None
        self.t_push = -PUSH_WINDOW_US - 1  # last ground reading above PUSH_G
        self.drop = False  # the current flight began without a push
        self.f_min = G  # lowest reading of the current flight
        self.l_drop = False
        self.l_peak = 0.0
        self.l_peak_t = 0

    def feed(self, t, dt, amag):
        t_prev = self.t_prev
        if t_prev is None:
            t_prev = t - dt
        a_prev = self.a_prev
        self.t_prev = t
        self.a_prev = amag
        if self.in_flight:
            if amag < self.f_min:
                self.f_min = amag
            if amag >= _FF:
                self.in_flight = False
                td = _cross(t_prev, a_prev, t, amag)
                flight = td - self.takeoff
                self.phase = "ground"
                self.phase_start_us = td
                least = MIN_FLIGHT_US - (dt >> 1) if dt > _SLOW_PERIOD_US else MIN_FLIGHT_US
                last = self.last_touchdown
                if (least <= flight <= MAX_FLIGHT_US and self.f_min < self.deep
                        and (last is None or self.takeoff - last >= MIN_CONTACT_US - dt)):
                    self._open_landing(td, t, amag)
                    self.td_lo = td
                    self.td_t = t_prev  # the last free-fall sample bounds the extrapolation
                    self.td_a = a_prev
                    if amag >= _RAMP:
                        self.td_lo = -1  # both levels in one step: the ramp is not resolved
                elif flight > MAX_FLIGHT_US:
                    self.last_touchdown = None
            return
        if amag >= _PUSH:
            self.t_push = t
        if amag >= _RAMP:
            self.t_ramp = -1
            if self.td_lo >= 0:
                self._refine_touchdown(_cross(t_prev, a_prev, t, amag, _RAMP))
        elif a_prev >= _RAMP:
            self.t_ramp = _cross(t_prev, a_prev, t, amag, _RAMP)
        if amag < _FF:
            # take-off: close the previous landing first
            if self.landing:
                self._close_landing()
            self.in_flight = True
            self.td_lo = -1
            to = _cross(t_prev, a_prev, t, amag)
            tr = self.t_ramp
            if 0 <= tr < t_prev and to - tr <= MAX_EXTRAP_US:
                # Zero where the ramp through both crossings says, but no later
                # than this sample's own reading says along the same slope.
                span = to - tr
                zero = to + int(span * _EXTRAP_K)
                here = t + int(span * amag / (_RAMP - _FF))
                to = zero if zero < here else here
            elif a_prev > 0.0:
                # Ramp not resolved (low rates): the sensor reports the mean over
                # each period, so a force that vanished at T0 inside this
                # period reads a_prev * (T0 - (t - dt)) / dt here.
                to = t - dt + int(dt * amag / a_prev)
            self.takeoff = to
            self.f_min = amag
            # No push before it: a step off a box (the drop of a drop jump), not a hop.
            self.drop = to - self.t_push > PUSH_WINDOW_US
            self.phase = "flight"
            self.phase_start_us = to
            return
        if self.landing:
            if amag > self.l_peak:
                self.l_peak = amag
                self.l_peak_t = t
            if t - self.l_touchdown >= LANDING_WINDOW_US:
                self._close_landing()

    def _refine_touchdown(self, t_hi):
        """The landing ramp reached RAMP_G at t_hi: move touch-down back to where it left 0 g."""
        lo = self.td_lo
        self.td_lo = -1
        span = t_hi - lo
        if span > MAX_EXTRAP_US or not self.landing or self.l_touchdown != lo:
            return
        td = lo - int(span * _EXTRAP_K)
        # No earlier than the last free-fall sample's own reading allows.
        there = self.td_t - int(span * self.td_a / (_RAMP - _FF))
        if td < there:
            td = there
        if td <= self.l_takeoff:
            return
        self.l_touchdown = td
        self.last_touchdown = td
        self.phase_start_us = td

    def _open_landing(self, td, t, amag):
        contact = None
        if self.last_touchdown is not None and self.takeoff - self.last_touchdown <= MAX_CONTACT_US:
            contact = (self.takeoff - self.last_touchdown) // 1000
        self.landing = True
        self.l_takeoff = self.takeoff
        self.l_touchdown = td
        self.l_contact = contact
        self.l_drop = self.drop
        self.l_peak = amag
        self.l_peak_t = t
        self.last_touchdown = td

    def _close_landing(self):
        self.landing = False
        if self.l_drop:
            return  # a drop lands (its touch-down starts the next contact) but is no hop
        peak_g = self.l_peak / G
        rise = self.l_peak_t - self.l_touchdown
        if rise < MIN_RISE_US:
            rise = MIN_RISE_US
        rate = peak_g / (rise * 1e-6)
        self.count += 1
        self.out.append(Hop(self.count, self.l_takeoff, self.l_touchdown, self.l_contact,
                            peak_g, rate, grade(peak_g, rate)))

    def gap(self, t_last):
        if self.landing:
            self._close_landing()
        self.last_touchdown = None
        self._restart()
        self.phase = "ground"
        self.phase_start_us = t_last

    def finish(self, t_last):
        self.gap(t_last)
