"""Hops: free fall between take-off and touch-down, then the landing.

In flight the accelerometer reads |a| ~ 0 g whatever its orientation (it
falls with the body); on the ground it reads ~1 g or more. Take-off and
touch-down are the moments |a| crosses FREE_FALL_G, interpolated between the
two samples around each crossing. A flight counts only if it lasts
MIN_FLIGHT_US..MAX_FLIGHT_US (walking and running never reach free fall at
the hip for long; a dropped device falls longer).

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
MIN_FLIGHT_US = const(100000)  # 1.2 cm jump: anything shorter is a jolt
MAX_FLIGHT_US = const(1200000)  # 1.77 m jump: longer is a dropped device
MAX_CONTACT_US = const(2000000)  # longer ground time starts a new series (no contact/RSI)
LANDING_WINDOW_US = const(250000)
MIN_RISE_US = const(2000)  # loading-rate floor: one peak sample right at touch-down

SOFT_PEAK_G = 3.0
SOFT_RATE_G_S = 40.0
HARD_PEAK_G = 5.0
HARD_RATE_G_S = 100.0

_FF = FREE_FALL_G * G


def grade(peak_g, rate_g_s):
    """Landing softness from peak g and loading rate (g/s)."""
    if peak_g >= HARD_PEAK_G or rate_g_s >= HARD_RATE_G_S:
        return HARD
    if peak_g < SOFT_PEAK_G and rate_g_s < SOFT_RATE_G_S:
        return SOFT
    return MODERATE


def _cross(t_prev, a_prev, t, a):
    """Interpolated time at which |a| crossed the free-fall level between two samples."""
    d = a_prev - a
    if d == 0.0:
        return t
    f = (a_prev - _FF) / d
    if f < 0.0:
        f = 0.0
    elif f > 1.0:
        f = 1.0
    return t_prev + int((t - t_prev) * f)


class HopDetector:
    def __init__(self):
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
        self.landing = False  # a landing window is open
        self.l_takeoff = self.l_touchdown = 0
        self.l_contact = None
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
            if amag >= _FF:
                self.in_flight = False
                td = _cross(t_prev, a_prev, t, amag)
                flight = td - self.takeoff
                self.phase = "ground"
                self.phase_start_us = td
                if MIN_FLIGHT_US <= flight <= MAX_FLIGHT_US:
                    self._open_landing(td, t, amag)
                elif flight > MAX_FLIGHT_US:
                    self.last_touchdown = None
            return
        if amag < _FF:
            # take-off: close the previous landing first
            if self.landing:
                self._close_landing()
            self.in_flight = True
            self.takeoff = _cross(t_prev, a_prev, t, amag)
            self.phase = "flight"
            self.phase_start_us = self.takeoff
            return
        if self.landing:
            if amag > self.l_peak:
                self.l_peak = amag
                self.l_peak_t = t
            if t - self.l_touchdown >= LANDING_WINDOW_US:
                self._close_landing()

    def _open_landing(self, td, t, amag):
        contact = None
        if self.last_touchdown is not None and self.takeoff - self.last_touchdown <= MAX_CONTACT_US:
            contact = (self.takeoff - self.last_touchdown) // 1000
        self.landing = True
        self.l_takeoff = self.takeoff
        self.l_touchdown = td
        self.l_contact = contact
        self.l_peak = amag
        self.l_peak_t = t
        self.last_touchdown = td

    def _close_landing(self):
        self.landing = False
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
