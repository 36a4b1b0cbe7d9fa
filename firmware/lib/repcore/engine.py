"""The RepClip engine: samples in, Rep / Hop events out, one sample at a time.

    eng = Engine(mode="strength", mount="waist", tempo="3-1-1")
    ev = eng.feed(t_us, ax, ay, az, gx, gy, gz)   # Rep, Hop or None
    ev = eng.finish()                             # repeat until None

The engine owns the clock: it measures the sample period (a slow integer
average, so jitter does not move it), treats a jump of more than
GAP_PERIODS periods (or GAP_MIN_US) as a gap (the detector closes what it
can and restarts its motion state), and drops samples that go back in time.
The detectors (repcore.strength, repcore.hops) derive all their filter
coefficients from the actual step, so any rate from 12.5 to 833 Hz works.
"""

import math

from repcore import MODE_HOPS, MODE_STRENGTH, MODES, MOUNTS
from repcore.compat import const
from repcore.tempo import DEFAULT_TOLERANCE_MS, parse_tempo

GAP_PERIODS = const(4)
GAP_MIN_US = const(60000)
_DEFAULT_PERIOD_US = const(4808)  # 208 Hz until measured


class EngineError(ValueError):
    pass


class Engine:
    def __init__(self, mode=MODE_STRENGTH, mount="waist", tempo=None,
                 tolerance_ms=DEFAULT_TOLERANCE_MS, odr_hz=None):
        if mode not in MODES:
            raise EngineError("mode %r: use one of %s" % (mode, ", ".join(MODES)))
        if mount not in MOUNTS:
            raise EngineError("mount %r: use one of %s" % (mount, ", ".join(MOUNTS)))
        if odr_hz is not None and not 1 <= odr_hz <= 10000:
            raise EngineError("odr_hz %r: expected the sensor rate in Hz (12.5 to 833)" % (odr_hz,))
        self.mode = mode
        self.mount = mount
        self.tempo = parse_tempo(tempo, tolerance_ms) if isinstance(tempo, str) else tempo
        self.odr_hz = odr_hz
        if mode == MODE_HOPS:
            from repcore.hops import HopDetector
            self.det = HopDetector()
            self._hops = True
        else:
            from repcore.strength import StrengthDetector
            self.det = StrengthDetector(mount, self.tempo)
            self._hops = False
        self.reset()

    def reset(self):
        """Start a new stream (a new set): counts, clock and filters start over."""
        self.det.reset()
        self.t_last = None
        self.period_us = int(1000000 / self.odr_hz) if self.odr_hz else _DEFAULT_PERIOD_US
        self.measured = 0  # periods seen; the average settles over the first few

    @property
    def count(self):
        return self.det.count

    @property
    def phase(self):
        return self.det.phase

    @property
    def phase_start_us(self):
        return self.det.phase_start_us

    def feed(self, t_us, ax, ay, az, gx=0.0, gy=0.0, gz=0.0):
        det = self.det
        t_last = self.t_last
        if t_last is None:
            dt = self.period_us
        else:
            dt = t_us - t_last
            if dt <= 0:
                return self._next()  # duplicate or backwards timestamp: skip it
            p = self.period_us
            gap = p * GAP_PERIODS
            if gap < GAP_MIN_US:
                gap = GAP_MIN_US
            if self.measured == 0 and not self.odr_hz:
                # First step of a stream at an unknown rate: it is the period.
                self.measured = 1
                self.period_us = dt
            elif dt > gap:
                det.gap(t_last)
                dt = p
            elif self.measured < 8:
                # First periods: plain running mean, then a slow average.
                self.measured += 1
                self.period_us = p + (dt - p) // self.measured
            else:
                self.period_us = p + (dt - p) // 16
        self.t_last = t_us
        amag = math.sqrt(ax * ax + ay * ay + az * az)
        if self._hops:
            det.feed(t_us, dt, amag)
        else:
            det.feed(t_us, dt, ax, ay, az, amag, gx, gy, gz, gx * gx + gy * gy + gz * gz)
        if det.out:
            return det.out.pop(0)
        return None

    def _next(self):
        if self.det.out:
            return self.det.out.pop(0)
        return None

    def finish(self):
        """End of stream: settle what is pending; call until it returns None."""
        if self.t_last is not None:
            self.det.finish(self.t_last)
            self.t_last = None
        return self._next()
