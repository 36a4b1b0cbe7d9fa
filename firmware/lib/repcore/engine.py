"""The RepClip engine: samples in, Rep / Hop events out, one sample at a time.

    eng = Engine(mode="strength", mount="waist", tempo="3-1-1")
    ev = eng.feed(t_us, ax, ay, az, gx, gy, gz)   # Rep, Hop or None
    ev = eng.finish()                             # repeat until None

exercise= (optional) names the lift, e.g. "goblet_squat" or
"kettlebell_deadlift": lifts from the bottom (repcore.strength.CONCENTRIC_FIRST)
start with the up stroke; without it the set's first stroke decides.

The engine owns the clock: it measures the sample period (a slow integer
average, so jitter does not move it), treats a jump of more than
GAP_PERIODS periods (or GAP_MIN_US) as a gap (the detector closes what it
can and restarts its motion state), and drops samples that go back in time.
The detectors (repcore.strength, repcore.hops) derive all their filter
coefficients from the actual step, so any rate from 12.5 to 833 Hz works.
Strength runs on block means of ~38.5 ms (8 samples at 208 Hz): people lift
at a few Hz, and on the board that keeps the per-sample cost to a few adds
(and the whole strength path within its MicroPython fuel budget).
Hops run on every sample, because flight time is measured to the sample.
"""

from math import sqrt

from repcore import MODE_HOPS, MODE_STRENGTH, MODES, MOUNTS
from repcore.compat import const
from repcore.tempo import DEFAULT_TOLERANCE_MS, parse_tempo

GAP_PERIODS = const(4)
GAP_MIN_US = const(60000)
ODR_MIN_HZ = const(1)  # the rates odr_hz may give (the LSM6DS's run from 12.5 to 833 Hz)
ODR_MAX_HZ = const(10000)
_DEFAULT_PERIOD_US = const(4808)  # 208 Hz until measured
_BLOCK_US = const(38500)  # strength: samples are averaged in blocks of about this length
# (the least that makes 8 samples at 208 Hz, the board's rate; 100 Hz keeps 3: at 4 a real lunge lost reps)


class EngineError(ValueError):
    pass


class Engine:
    """The public engine: settings checked here, samples fed to its _Stream.

    (The per-sample state lives on _Stream, a class without properties: on
    MicroPython every attribute store on an instance of a class that has
    properties searches the class for a setter, which doubled the cost of a
    sample. Engine keeps the properties; feed and finish are _Stream's.)
    """

    def __init__(self, mode=MODE_STRENGTH, mount="waist", tempo=None,
                 tolerance_ms=DEFAULT_TOLERANCE_MS, odr_hz=None, exercise=None):
        if mode not in MODES:
            raise EngineError("mode %r: use one of %s" % (mode, ", ".join(MODES)))
        if mount not in MOUNTS:
            raise EngineError("mount %r: use one of %s" % (mount, ", ".join(MOUNTS)))
        if odr_hz is not None and not ODR_MIN_HZ <= odr_hz <= ODR_MAX_HZ:
            raise EngineError("odr_hz %r: expected the sensor rate in Hz (12.5 to 833)" % (odr_hz,))
        self.mode = mode
        self.mount = mount
        self.tempo = parse_tempo(tempo, tolerance_ms) if isinstance(tempo, str) else tempo
        self.odr_hz = odr_hz
        self.exercise = exercise  # optional: which lift (its first stroke goes up or down; tilt or travel)
        if mode == MODE_HOPS:
            from repcore.hops import HopDetector
            det = HopDetector(mount)
        else:
            from repcore.strength import StrengthDetector
            det = StrengthDetector(mount, self.tempo, exercise)
        self.det = det
        self.stream = _Stream(det, mode == MODE_HOPS, odr_hz)
        # feed(t_us, ax, ay, az[, gx, gy, gz]) -> event or None; positional (strength's
        # feed takes *args, see _strength_feed), without the gyro 0
        self.feed = self.stream.feed_hops if mode == MODE_HOPS else self.stream.feed
        self.finish = self.stream.finish  # end of stream: call until it returns None

    def reset(self):
        """Start a new stream (a new set): counts, clock and filters start over."""
        self.stream.reset()

    @property
    def count(self):
        return self.det.count

    @property
    def phase(self):
        return self.det.phase

    @property
    def phase_start_us(self):
        return self.det.phase_start_us


class _Stream:
    """The clock and the sample path (see Engine)."""

    def __init__(self, det, hops, odr_hz):
        self.det = det
        self._hops = hops
        self.odr_hz = odr_hz
        self.rows = [None] * 64  # a block's samples (see _block)
        self.feed = _strength_feed(self)
        self.reset()

    def reset(self):
        self.det.reset()
        self.t_last = 0
        self.started = False  # no sample yet
        self.fast_us = 0  # strength on a settled clock: steps up to this take the fast path
        self.decim = 0  # (set by _set_period: from the set rate, where known, once)
        self._set_period(int(1000000 / self.odr_hz) if self.odr_hz else _DEFAULT_PERIOD_US)
        self.measured = 0  # periods seen; the average settles over the first few
        self._new_block()

    def feed_hops(self, t_us, ax, ay, az, gx=0.0, gy=0.0, gz=0.0):
        """Hops: every sample goes to the detector (take-off and touch-down are timed to the sample)."""
        dt = t_us - self.t_last
        if 0 < dt <= self.gap_us and self.measured >= 8:
            d = (dt - self.period_us + 8) >> 4  # slow average of the period (see _feed_slow)
            if d:
                self._set_period(self.period_us + d)
            self.t_last = t_us
            det = self.det
            det.feed(t_us, dt, sqrt(ax * ax + ay * ay + az * az))
            if det.out:
                return det.out.pop(0)
            return None
        return self._feed_slow(t_us, dt, (ax, ay, az))

    def _feed_slow(self, t_us, dt, a):
        """Hops (every sample), the first samples of a stream, gaps, bad timestamps."""
        if not self.started:
            self.started = True
            dt = self.period_us
        else:
            if dt <= 0:
                return self._next()  # duplicate or backwards timestamp: skip it
            if dt > self.gap_us or self.measured < 8:
                dt = self._clock(dt, self.t_last)
            else:
                # Slow integer average (rounded: a floor would walk down on jitter):
                # jitter barely moves it, filters keep their coefficients.
                d = (dt - self.period_us + 8) >> 4
                if d:
                    self._set_period(self.period_us + d)
        self.t_last = t_us
        det = self.det
        if self._hops:
            # Every sample: take-off and touch-down are timed to the sample.
            ax, ay, az = a[0], a[1], a[2]
            det.feed(t_us, dt, sqrt(ax * ax + ay * ay + az * az))
            if det.out:
                return det.out.pop(0)
            return None
        if self.measured >= 8:
            self.fast_us = self.gap_us  # the clock has settled: the fast path from now on
        n = self.n + 1
        if n < self.decim:
            self.n = n
            self.rows[n] = a
            return self._next()
        return self._block(t_us, n, a)

    def _block(self, t_us, n, a):
        """Strength moves at a few Hz: the detector runs once per block of samples
        on their mean. The gyro is averaged over the block's first, middle and
        last samples: one sample alone let its noise through at 416-833 Hz,
        and summing every sample cost ~1,100 fuel per sample more (over the
        board's budget on a 60 s squat trace) for 2 generated sets in 720."""
        rows = self.rows  # the block's earlier samples, in slots 1 .. n - 1
        try:
            ax, ay, az, gx, gy, gz = a
            if n > 1:
                # (x or 0.0: what 0.0 + x is, -0.0 included, without the float addition)
                sx, sy, sz, gsx, gsy, gsz = rows[1]
                sx = sx or 0.0
                sy = sy or 0.0
                sz = sz or 0.0
                gsx = gsx or 0.0
                gsy = gsy or 0.0
                gsz = gsz or 0.0
            else:
                sx = sy = sz = gsx = gsy = gsz = 0.0
            for i in range(2, n):
                x, y, z, u, v, w = rows[i]  # (six: a row without the gyro raises here)
                sx += x
                sy += y
                sz += z
        except ValueError:
            # some samples came without the gyro (feed's gx, gy, gz default to 0.0)
            return self._block(t_us, n, self._pad(a, rows, n))
        ax = (sx + ax) / n
        ay = (sy + ay) / n
        az = (sz + az) / n
        if n > 2:
            # the gyro: the first, middle and last samples
            x, y, z, u, v, w = rows[(n + 1) >> 1]
            gx = (gsx + u + gx) / 3
            gy = (gsy + v + gy) / 3
            gz = (gsz + w + gz) / 3
        else:
            gx = (gsx + gx) / n
            gy = (gsy + gy) / n
            gz = (gsz + gz) / n
        self.n = 0
        p = self.period_us
        t_prev = self.t_block_end
        self.t_block_end = t_us
        if t_prev is not None and self.fast_us:
            # The clock's slow average, once per block: the block's own period.
            d = ((t_us - t_prev) // n - p + 2) >> 2
            if d:
                self._set_period(p + d)
                self.fast_us = self.gap_us
        t_mid = t_us - (((n - 1) * p) >> 1)  # the block's mean time
        t_prev = self.t_block
        self.t_block = t_mid
        step = t_mid - t_prev if t_prev is not None else p * n
        if step <= 0:
            step = p
        det = self.det
        det.feed(t_mid, step, p * n, ax, ay, az, sqrt(ax * ax + ay * ay + az * az),
                 gx, gy, gz, gx * gx + gy * gy + gz * gz)
        if det.out:
            return det.out.pop(0)
        return None

    def _pad(self, a, rows, n):
        """Rare: samples without the gyro get its default 0.0 (see feed)."""
        for i in range(1, n):
            r = rows[i]
            rows[i] = tuple(r) + (0.0,) * (6 - len(r))
        return tuple(a) + (0.0,) * (6 - len(a))

    def _set_period(self, p):
        self.period_us = p
        gap = p * GAP_PERIODS
        self.gap_us = gap if gap > GAP_MIN_US else GAP_MIN_US
        if self.odr_hz and self.decim:
            # Where the rate the sensor was set to is known, the block keeps
            # the sample count reset gave it from that rate: a part's clock
            # runs a percent or two off, and 38.5 ms on a clock 0.1 % slow held
            # 7 samples at 208 Hz, not 8 (14 % more blocks a sample: +3,700
            # fuel), and 1 at 52 Hz, not 2.
            return
        d = _BLOCK_US // p if p > 0 else 1
        self.decim = d if d > 1 else 1
        if d >= len(self.rows):  # (above ~1.8 kHz) room for a block's samples
            self.rows.extend([None] * (d + 1 - len(self.rows)))

    def _new_block(self):
        self.n = 0
        self.t_block = None
        self.t_block_end = None

    def _clock(self, dt, t_last):
        """Rare path: the first periods of a stream, and gaps. Returns the step to use."""
        p = self.period_us
        if self.measured == 0 and not self.odr_hz:
            # First step of a stream at an unknown rate: it is the period.
            self.measured = 1
            self._set_period(dt)
            return dt
        if dt > self.gap_us:
            self.det.gap(t_last)
            self._new_block()
            self.fast_us = 0
            return p
        # First periods: plain running mean, then the slow average.
        self.measured += 1
        self._set_period(p + (dt - p) // self.measured)
        return dt

    def _next(self):
        if self.det.out:
            return self.det.out.pop(0)
        return None

    def finish(self):
        """End of stream: settle what is pending; call until it returns None."""
        if self.started:
            self.det.finish(self.t_last)
            self.started = False
            self.fast_us = 0
        return self._next()


def _strength_feed(stream):
    """The strength path's feed(t_us, ax, ay, az[, gx, gy, gz]), positional: a plain
    function with its stream as a keyword-only default, not a bound method.
    (MicroPython calls a bound method given more than four arguments through
    an argument array it allocates and frees on the heap: every sample.)"""

    def feed(t_us, *a, self=stream):
        # Fast path, strength on a settled clock: most samples are only kept
        # for the block (the per-sample cost is what the board pays 208 times a second).
        dt = t_us - self.t_last
        if dt <= self.fast_us and dt > 0:
            self.t_last = t_us
            n = self.n + 1
            if n < self.decim:
                self.n = n
                self.rows[n] = a
                return None  # (a queued event waits for the block's end)
            return self._block(t_us, n, a)
        return self._feed_slow(t_us, dt, a)

    return feed
