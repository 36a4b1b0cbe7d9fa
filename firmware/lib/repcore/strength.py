"""Strength reps: each movement between two rests is analysed whole.

Per block (~35 ms; repcore.engine averages the samples), a handful of
multiplies:
  - the gyro's bias, learned at rest;
  - the gravity direction u in the sensor frame, turned by the gyro and
    pulled toward the accelerometer (quickly at rest), so the clip may sit
    at any angle;
  - vertical acceleration av = a . u - g (|a| - g without a gyro), with g
    the sensor's own reading at rest (its scale error and bias included);
  - tilt th: the angle (deg) between u and the standing direction;
  - rest: accelerometer and gyro steady against their own noise floors.
Each block goes into a fixed ring buffer (no allocation per block). A
segment runs from just before the motion starts to the rest after it; when
it closes it is analysed whole, which a sample-by-sample integrator cannot
do (and where its "rest" was a slow stroke's quiet middle, it closed without
a stroke and is analysed again together with the next: _close):
  waist / implement: av integrated to velocity and displacement with BOTH
      ends at rest. The part of the sensor's bias and scale error that
      changes with the tilt is measured at the two rests and removed in
      proportion to the tilt; what is left is constant and cancels when the
      velocity is made zero at the end rest, and at any pause inside the
      segment (a held bottom also measures the tilt's part: _zero_at_pauses).
  thigh, and the waist for lifts that tilt the pelvis a long way (squats,
      deadlifts: tilts_at_waist): the tilt itself (no integration, no
      drift); at the waist the travel is still integrated for the range and
      the velocity, its tilt error solved from the rep returning to where it
      started.
Strokes are the monotonic runs of that position between turning points
(hysteresis _D_MIN). A stroke is timed at its 10 % and 90 % crossings and
extended to rest under the minimum-jerk shape smooth lifts follow (10 % of
a minimum-jerk stroke is covered at 24.7 % of its time): timing from
mid-stroke crossings ignores how slowly a lift leaves and reaches rest.
Reps: a lead stroke (down for squats, up for lifts from the floor) and the
opposite stroke after it, of similar size, with a pause no longer than the
tempo allows. A rep is confirmed by the next similar one (closer alike:
a re-rack before a set is rep-shaped) or by being similar to the set so
far, so a lone re-rack or a pick-up is not a rep; walking (many short
strokes without a rest) is not either.
"""

import math
from array import array

from repcore.compat import const
from repcore.events import G, Rep
from repcore.filters import alpha, onset_us
from repcore.tempo import EXPLOSIVE as _EXPLOSIVE

_RING = const(1024)  # blocks kept: ~36 s at the ~28 Hz block rate, 82 s at 12.5 Hz
_PRE_US = const(1500000)  # a segment starts up to this long before motion was seen (slow lifts leave rest quietly) ...
_END_REST_US = const(450000)  # still this long closes a segment (a reversal at the bottom is still for ~0.3 s)
_REST_AVG_US = const(250000)  # rest levels at the ends of a segment are means over this
_LONG_REST_US = const(1200000)  # ... and this long whatever the velocity says ...
_GLIDE = 0.6  # ... unless it holds at this share of a peak reached in the rest (a slow stroke's middle) ...
_GLIDE_REST_US = const(2400000)  # ... until rest lasts this long ...
_GLIDE_SEG_US = const(4500000)  # ... in a segment younger than this (a 5 s stroke's middle and the pre-roll)
_CUT_SPREAD = 0.45  # a segment without strokes whose travel spans this share of a stroke's least size (see _close)
_CUT_US = const(10000000)  # ... is analysed again with the next segment when that starts within this of it
_VS_SHARE = 0.15  # a shorter rest closes it only when the segment's velocity is this share of its peak
_VS_MIN = 0.02  # (+ this, m/s)
_VS_DRIFT = 1e-8  # (+ this per us of segment: what 0.03 m/s^2 of error in g adds)
_TILT_LAG_US = const(400000)  # at the thigh, 1 deg of tilt over this long is motion (see feed)
_CLOSE_LAG_US = const(800000)  # a segment does not close while the tilt moves 1 deg in this long
_END_NONE = const(0)  # how a segment ended (see _analyse)
_END_GAP = const(1)
_END_REST = const(2)
_LONG_SEG_S = const(12)  # a segment longer than this has reps without rests: detrended instead
_LONG_SEG_US = const(_LONG_SEG_S * 1000000)  # (... unless pauses break it into stretches shorter than this: see _zero_at_pauses)
_DETREND_US = const(3000000)
_MOVE_US = const(60000)  # moving this long opens a segment
_Q_TAU_US = const(80000)  # steadiness averages
_SLOW_TAU_US = const(60000)  # accelerometer vector's mean (short: after a turn the mean must catch up soon)
_NF_DOWN_TAU_US = const(300000)  # noise floors follow quiet spells quickly ...
_NF_UP_TAU_US = const(5000000)  # ... and grow at most e-fold in this time
_GB_TAU_US = const(2000000)  # gyro bias at rest
_G_TAU_US = const(3000000)  # 1 g at rest (slowly: the first second of a slow lift is as steady as rest)
_DIR_TAU_US = const(2000000)  # gravity direction: the accelerometer corrects the gyro's drift ...
_DIR_REST_TAU_US = const(250000)  # ... quickly at rest
_DIR_NOGYRO_TAU_US = const(60000)  # without a gyro: the low-passed accelerometer
_REF_TAU_US = const(5000000)  # standing direction, learned at rest near it
_REF_NEAR_DEG = const(20)  # (whole numbers compared with floats: const, so no module global to look up)
_ONSET_MAX_US = const(600000)
_A_REST = 0.08  # m/s^2 above the noise floor's share
_A_ABS = 0.03  # m/s^2: |a| off the rest's 1 g by more than this (plus noise and tilt) is moving
_A_NOISE_K = 1.5
_A_NOISE_K_SLOW = 1.2  # ... where the tempo asks for strokes this slow (ms) or slower: the middle of a
_SLOW_STROKE_MS = const(3000)  # 3-4 s stroke (0.1 m/s^2 at most) must not pass for rest at high noise
_A_PER_DEG = 0.002  # m/s^2 per degree of tilt since the rest g was learned at (the slope's uncertainty;
# more lets the slow end of a tilting stroke pass for rest)
_W_REST = 0.04  # rad/s above the noise floor's share
_NF_K = const(3)
_MIN_STROKE_US = const(300000)  # (an explosive rep's stroke takes 0.35 s or more; a walking thigh twitches faster)
_MAX_STROKE_US = const(8000000)
_SET_GAP_US = const(8000000)  # no rep for this long: the set is over
_PAIR_GAP_US = const(3500000)  # longest pause inside a rep without a tempo target
_SIMILAR = 0.6  # reps of one set: sizes within this ratio ...
_SIMILAR_T = 0.55  # ... each stroke's time within this ratio ...
_PAUSE_SLACK_US = const(350000)  # ... and the pause within this (plus a third of the set's pause)
_PAUSE_NOISY = 0.5  # (... of it, a rep to its set where the travels scatter: see _similar)
_PENDING = const(5)  # (a set's three, and the other foot's lifts between step-ups)
_LEAD_IN_US = const(500000)  # a set's first rep, left pending, is this much further from the first pair at most
_X_SLOW_US = const(1000000)  # an explosive stroke takes no longer (tempo.EXPLOSIVE_MAX_MS)
_STILL_SEARCH_US = const(400000)  # a still top (see _drift_at_stills) lies this near the top ...
_STILL_HALF_US = const(100000)  # ... its velocity flat over twice this ...
_STILL_FLAT = 0.03  # ... within this (m/s) ...
_STILL_NEAR = 0.06  # ... and the first pass's velocity there under this (m/s)
_PAUSE_NEAR = 0.3  # a pause inside a segment (see _zero_at_pauses): its velocity under this share of the peak ...
_PAUSE_NEAR_HELD = 0.4  # ... or this where the tempo holds the bottom a second or more ...
_PAUSE_LEVEL_US = const(400000)  # ... its error level read over this either side of it where ...
_PAUSE_STRAIGHT = 0.008  # ... the velocity keeps within this of a straight line (m/s) ...
_PAUSE_ERR_MAX = 0.3  # ... whose slope, the error, is under this (m/s^2) ...
_PAUSE_HOLD_DEG = const(1)  # ... and the tilt holds within this
_PAUSE_TILT_DEG = const(6)  # a tilt this far off the start's gives the error's slope
_PROPORTION = 0.65  # a far candidate's tilt to travel: within this ratio of the set's (see _far_unlike) ...
_PROPORTION_M = 0.2  # ... where the set's travel is this long (m) or longer
_PROPORTION_DEEP = 0.8  # a rep deeper than its set: its tilt grew in proportion, within this ratio (see _deeper)
_PAIR_K = 1.25  # the first two reps of a set must be this much more alike than a rep to the set
_ROUGH = 0.2  # a stroke's RMS distance from the smooth stroke, as a share of its size
_BALANCE = 0.45  # the two strokes of a rep: the smaller covers this share of the larger ...
_BALANCE_SET = 0.3  # ... or this, where a set runs or waits to start (see _stroke)
_BALANCE_TILT = 0.7  # ... but this, either way, where the reps are found in the tilt
_RETURN_SET = 0.35  # where a set runs, a return stroke under this share of its reps' size is not one (see _stroke)
_WALK_STROKES = const(5)  # a segment with this many short strokes back to back is walking
# (not four: a step-up at the thigh is foot up, body up, body down, foot down)
_WALK_GAP_US = const(300000)  # (a walking thigh's swings are ~0.25 s apart once timed as lifts)
_WALK_STROKE_US = const(900000)
_TH_SLOPE_MIN = const(12)  # deg: tilt change between the rests that measures the tilt error
_TH_LOCAL_MIN = const(3)  # deg: ... and within the segment itself
_SIDE_DEG = const(10)  # deg: clear of standing the tilt is the magnitude (a path off the plane is still the depth)
_DEEP_DEG = const(8)  # deg: a segment this deep tells the motion's direction off standing
_TH_SLOPE_MAX = 0.02  # m/s^2 per degree: 1 % scale and 0.3 m/s^2 bias give at most ~0.015

# Per mount: least stroke (m, or degrees at the thigh) and live-phase speed.
_D_MIN = {"waist": 0.05, "implement": 0.1, "thigh": 10.0}
_V_LIVE = {"waist": 0.06, "implement": 0.08, "thigh": 15.0}

# minimum-jerk stroke: share of the time at which 10 % (and 90 %) of the travel is covered
_MJ_T10 = 0.2470
_MJ_SPAN = 0.5060  # from 10 % to 90 %

# Lifts that start at the bottom: the first stroke of a rep goes up (names
# compared in lower case without spaces, '_' or '-'; anything starting with
# "stepup" too). A single-leg or Romanian deadlift starts standing: down first.
CONCENTRIC_FIRST = ("stepup", "kettlebelldeadlift", "kbdeadlift", "deadlift", "trapbardeadlift",
                    "boxstepup", "lateralstepup", "sumodeadlift")


# Lifts whose reps turn the pelvis a long way (a squat 25-45 deg, a deadlift
# 45-80 deg, against 6-18 for a split squat and none for a step-up): at the
# waist their reps are found in the tilt, which does not drift, while their
# vertical travel (a single-leg deadlift lowers the hip only 6-15 cm) is
# still integrated for the range and the velocity.
TILTING_LIFTS = ("squat", "deadlift", "sldl", "rdl", "goodmorning")
NOT_TILTING = ("split", "step", "lunge")


def _name(exercise):
    return exercise.lower().replace("_", "").replace("-", "").replace(" ", "") if exercise else ""


def lead_for(exercise):
    """+1 (up first) for lifts from the bottom, -1 (down first) for the rest, 0 when unknown."""
    name = _name(exercise)
    if not name:
        return 0
    return 1 if name in CONCENTRIC_FIRST or name.startswith("stepup") else -1


def tilts_at_waist(exercise):
    """True for a lift whose reps show at the waist as a clear forward tilt."""
    name = _name(exercise)
    for w in NOT_TILTING:
        if w in name:
            return False
    for w in TILTING_LIFTS:
        if w in name:
            return True
    return False


def _pair_k(tempo):
    """How much more alike than a rep to its set a set's first pair must be
    (see _candidate): not more where the tempo leaves a stroke free."""
    if tempo is not None and (tempo.eccentric_ms == _EXPLOSIVE or tempo.concentric_ms == _EXPLOSIVE):
        return 1.0
    return _PAIR_K


def _far_unlike(det, c, ref):
    """True when c, far from the set (see _candidate), is not one of its reps
    though alike enough to be one near it:
    - where the set's travel and tilt are both measured and the travel is
      precise (a low noise floor: 0.03 m/s^2, 0.06 for a lift found in the
      tilt, whose travel is a squat's; a travel of _PROPORTION_M or more: a
      squat's, not a single-leg deadlift's few cm), another proportion of
      the two: outside _PROPORTION of ref's (a re-rack bends the pelvis
      30-55 deg for 15-30 cm of travel; a split squat 6-18 deg for ~30 cm,
      a squat ~40 deg for ~45 cm);
    and judged by the tempo:
    - a stroke the tempo wants explosive ("X") takes over 1 s where ref's
      does not (a re-rack's dip takes 1.1-1.75 s a stroke, an explosive rep
      0.45-0.8 s);
    - where the tempo paces both strokes and their times are precise (det's),
      another rhythm: the lowering-to-rising time ratio outside 0.6 of ref's
      (a re-rack's dip is symmetric, a 2-0-1 rep is not; where _similar holds
      each stroke within 0.69 of ref's, only one stroke quicker and the
      other slower differ so, not a rep slowed by fatigue).
    (A module function: the class's methods stay few.)"""
    if det.metric and det.nfa <= (0.06 if det.angular else 0.03) and c[5] > 0.0 and ref[5] > 0.0:
        # (c[4], c[5]: the size the reps are found in, and the other measure)
        if (ref[5] if det.angular else ref[4]) >= _PROPORTION_M:
            r = c[5] * ref[4]
            q = ref[5] * c[4]
            if r < _PROPORTION * q or q < _PROPORTION * r:
                return True
    tempo = det.tempo
    if tempo is None:
        return False
    if tempo.eccentric_ms == _EXPLOSIVE or tempo.concentric_ms == _EXPLOSIVE:
        # (the first stroke is the concentric one where a rep starts upward)
        first_x = (tempo.concentric_ms if det.lead > 0 else tempo.eccentric_ms) == _EXPLOSIVE
        second_x = (tempo.eccentric_ms if det.lead > 0 else tempo.concentric_ms) == _EXPLOSIVE
        return ((first_x and c[1] - c[0] > _X_SLOW_US >= ref[1] - ref[0])
                or (second_x and c[3] - c[2] > _X_SLOW_US >= ref[3] - ref[2]))
    if det.nfa > 0.03 and not det.angular:
        return False
    r = float(c[1] - c[0]) * (ref[3] - ref[2])
    q = float(c[3] - c[2]) * (ref[1] - ref[0])
    return r < 0.6 * q or q < 0.6 * r


def _deeper(det, c, ref):
    """c is a deeper rep of ref's set, not another motion: where the travel
    and the tilt are both measured, its tilt grew in proportion to its travel
    (within _PROPORTION_DEEP). The last rep of a 12.5 Hz split squat set went
    1.34x as deep, its pelvis 1.23x as far (13.9 deg against 11.3); a re-rack
    bends the pelvis 30-55 deg for 15-30 cm, a split squat 6-18 deg for ~30
    cm. (Only deeper: a re-rack's dip measures 0.6-0.65 of a rep; see
    _similar.)"""
    if not det.metric or det.angular or c[5] <= 0.0 or ref[5] <= 0.0:
        return False
    r = c[5] * ref[4]
    q = ref[5] * c[4]
    return r >= _PROPORTION_DEEP * q and q >= _PROPORTION_DEEP * r


def _mean_rep(f, g):
    """Two candidates' mean, times from its start: a reference as _similar takes it."""
    return (0, (f[1] - f[0] + g[1] - g[0]) // 2, (f[2] - f[0] + g[2] - g[0]) // 2,
            (f[3] - f[0] + g[3] - g[0]) // 2, (f[4] + g[4]) * 0.5, (f[5] + g[5]) * 0.5)


def _leads_in(det, q, y, h, ref):
    """q, the candidate just before y and h (a set's first two), is the set's
    first rep: as close to y as y is to h (_LEAD_IN_US more at most) and like
    ref (the mean of the pair that started the set) but for its start. The
    one rule for a set started by three alike (_candidate) and by the pair
    that ends it (finish)."""
    return y[0] - q[3] <= h[0] - y[3] + _LEAD_IN_US and det._like_but_its_start(q, ref)


def _spread(x, a, b):
    """max - min of x[a..b]."""
    lo = hi = x[a]
    for k in range(a + 1, b + 1):
        v = x[k]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    return hi - lo


def _around(wt, k, n, half):
    """(lo, hi): the blocks of wt[0:n] at half (us) either side of block k's
    time, or just past it, or the segment's ends."""
    t = wt[k]
    lo = hi = k
    while lo > 0 and wt[lo] > t - half:
        lo -= 1
    while hi < n - 1 and wt[hi] < t + half:
        hi += 1
    return lo, hi


def _flattest(wx, wt, n, kt):
    """(spread, k, lo, hi): the 2 x _STILL_HALF_US of wx[0:n] nearest to flat
    (max - min) within _STILL_SEARCH_US of block kt, centred on block k and
    running over blocks lo..hi."""
    flat = 1e9
    kc = k0 = k1 = kt
    first, last = _around(wt, kt, n, _STILL_SEARCH_US)
    for k in range(first, last + 1):
        if wt[k] >= wt[kt] + _STILL_SEARCH_US:
            break
        lo, hi = _around(wt, k, n, _STILL_HALF_US)
        v = _spread(wx, lo, hi)
        if v < flat:
            flat = v
            kc, k0, k1 = k, lo, hi
    return flat, kc, k0, k1


def _turning_points(x, n, hys):
    """Blocks of x[0:n] where it turns by hys or more: the first extreme,
    each turn, the last extreme; [0] where it never moves hys."""
    pts = [0]
    d = 0
    cand = 0
    lo = hi = 0  # the extremes so far: the first run starts at one, not at x[0]
    for k in range(1, n):
        xk = x[k]
        if d == 0:
            if xk - x[lo] >= hys:
                d = 1
                pts[0] = lo
                cand = k
            elif x[hi] - xk >= hys:
                d = -1
                pts[0] = hi
                cand = k
            elif xk > x[hi]:
                hi = k
            elif xk < x[lo]:
                lo = k
        elif d > 0:
            if xk > x[cand]:
                cand = k
            elif x[cand] - xk >= hys:
                pts.append(cand)
                d = -1
                cand = k
        else:
            if xk < x[cand]:
                cand = k
            elif xk - x[cand] >= hys:
                pts.append(cand)
                d = 1
                cand = k
    if d != 0:
        pts.append(cand)
    return pts


def _integrate(v, wt, n, c, out):
    """out[0:n]: the integral (trapezoid, from 0) of v[0:n] less c per second
    of time since the first block: a velocity (m/s) and its straight drift
    (m/s^2) into the travel (m). out may not be v."""
    x = 0.0
    v_prev = 0.0
    for k in range(n):
        a = v[k] - c * wt[k] * 1e-6
        if k:
            x += (a + v_prev) * 0.5 * (wt[k] - wt[k - 1]) * 1e-6
        v_prev = a
        out[k] = x


def _sub_knots(wx, wt, n, knots):
    """wx[0:n] less the line through the knots (block, value, block, value,
    ...; four values or more), the first and last lines carried on."""
    m = len(knots) - 4
    i = -2
    kb = 0  # the block where the next line starts
    for k in range(n):
        if k >= kb and i < m:
            while i < m and k >= kb:
                i += 2
                kb = knots[i + 2]
            ta = wt[knots[i]]
            va = knots[i + 1]
            sl = (knots[i + 3] - va) / (wt[kb] - ta)
        wx[k] -= va + sl * (wt[k] - ta)


class StrengthDetector:
    """Feeds on sample blocks, queues Rep events in self.out (the engine drains it)."""

    def __init__(self, mount="waist", tempo=None, exercise=None):
        self.mount = mount
        # Reps found in the tilt (the thigh's flexion, the pelvis of a hinge) or
        # in the vertical travel; the travel is measured wherever the clip moves with the load.
        self.angular = mount == "thigh" or (mount == "waist" and tilts_at_waist(exercise))
        self.metric = mount != "thigh"  # (not metric: the thigh, where rest needs the tilt to hold too: see feed)
        self.tempo = tempo
        # The prescribed exercise tells which way a rep starts; without it the
        # first pair of strokes decides.
        self.lead_hint = lead_for(exercise)
        self.d_min = _D_MIN["thigh" if self.angular else mount]
        self.v_live = _V_LIVE["thigh" if self.angular else mount]
        pause = 0
        if tempo is not None and getattr(tempo, "pause_ms", None) is not None and tempo.pause_ms > 0:
            pause = tempo.pause_ms * 1000
        # (see feed: "still")
        slow = tempo is not None and (tempo.eccentric_ms >= _SLOW_STROKE_MS or tempo.concentric_ms >= _SLOW_STROKE_MS)
        self.k_still = _A_NOISE_K_SLOW if slow else _A_NOISE_K
        self.held_bottom = pause >= 1000000  # (see _zero_at_pauses)
        # A run of reps without rests is detrended over one rep's time first (see
        # _detrend): the tempo's, with a second at the top where it sets none
        # (an explosive stroke as 0.5 s), and at least _DETREND_US.
        cycle = 0
        if tempo is not None:
            for ms in (tempo.eccentric_ms, tempo.pause_ms, tempo.concentric_ms,
                       tempo.top_ms if tempo.top_ms is not None else 1000):
                cycle += (500 if ms == _EXPLOSIVE else (ms or 0)) * 1000
        self.detrend_us = cycle if cycle > _DETREND_US else _DETREND_US
        self.pair_gap = _PAIR_GAP_US if pause * 3 // 2 + 1500000 < _PAIR_GAP_US else pause * 3 // 2 + 1500000
        self.out = []
        # The ring: per block its step (us), vertical specific force and tilt.
        self.rb_dt = array("l", [0] * _RING)
        self.rb_a = array("f", [0.0] * _RING)
        self.rb_th = array("f", [0.0] * _RING)
        # ... and where the tilt is signed (see _signed_tilt), the gravity direction itself.
        # (Not for a squat or a hinge at the waist: their top is a rest between
        # reps, where the fold costs little, and the board pays per block.)
        self.signs = self.angular and (mount == "thigh" or self.lead_hint > 0)
        if self.signs:
            self.rb_ux = array("f", [0.0] * _RING)
            self.rb_uy = array("f", [0.0] * _RING)
            self.rb_uz = array("f", [0.0] * _RING)
        # Work arrays of the analysis: time from the segment start (us), position.
        self.wt = array("l", [0] * _RING)
        self.wx = array("f", [0.0] * _RING)
        self.wv = array("f", [0.0] * _RING)
        self.period_lo = self.period_hi = 0
        # A segment closed without a stroke, kept to be analysed again with
        # the next (see _close): state (0 none, 1 kept, 2 the open segment's
        # analysis starts at it), its first block (as blocks written before
        # it), its start time and from_rest.
        self.cut = [0, 0, 0, False]
        self.reset()

    def reset(self):
        del self.out[:]
        self.count = 0
        self.phase = "top"
        self.phase_start_us = 0
        # What the sensor itself is like: survives gaps in the stream.
        self.has_gyro = False
        self.bx = self.by = self.bz = 0.0
        self.g = G
        self.g_set = False
        self.g_n = 0
        self.th_g = 0.0  # tilt at which g was learned
        self.ux = self.uy = 0.0
        self.uz = 1.0
        self.started = False  # the gravity direction survives gaps in the stream
        self.period_lo = self.period_hi = -1  # (feed's first block sets the coefficients and starts)
        self.rx = self.ry = 0.0
        self.rz = 1.0
        self.k_th = 0.0  # tilt error slope (m/s^2 per degree), learned between rests
        self.k_th_n = 0
        # Reps.
        self.lead = self.lead_hint
        self.has_p = False  # a lead stroke waits for its return
        self.p_d = 0
        self.p_start = self.p_end = 0
        self.p_size = 0.0
        self.p_travel = 0.0
        self.p_other = 0.0
        self.pending = []  # rep candidates waiting for one like them
        self.run_n = 0  # confirmed reps in the current run (set)
        # its mean rep: start, bottom, rise, end (us from start), size, other measure
        # (see _far_unlike); and the mean time between reps (us)
        self.run = [0, 0, 0, 0, 0.0, 0.0, 0]
        self.last_rep_end = 0
        self._restart()

    def _restart(self):
        """Forget the motion state (start of stream or after a gap), keep the reps."""
        self.head = 0  # next ring slot

        self.nb = 0  # blocks written
        self.in_seg = False
        self.seg_nb0 = 0  # blocks written before the open segment's first
        self.quiet_nb0 = 0  # blocks written when the rest that closed the last segment began
        self.seg_t0 = 0
        self.from_rest = False  # the open segment began at rest (see _open, _drift_at_stills)
        self.cut[0] = 0
        self.move_us = 0
        self.rest_us = 0
        self.vs = self.vs_peak = 0.0
        self.vs_peak_t = 0
        self.s_dt = self.s_ra = self.s_rd = 0.0  # (sums for the close's velocity gate: see feed)
        self.s_rn = 0
        self.sa = 0.0
        self.ux_prev = self.uy_prev = self.uz_prev = 0.0
        self.qa = self.qw = 0.0
        self.fq = 0.0
        self.nfa = 1.0
        self.nfw = 0.1
        self.vl = 0.0
        self.th_prev = 0.0

    # --- per block --------------------------------------------------------

    def _coeffs(self, period):
        self.period_lo = period - (period >> 5)
        self.period_hi = period + (period >> 5)
        self.k_q = alpha(period, _Q_TAU_US)
        self.k_slow = alpha(period, _SLOW_TAU_US)
        self.k_nf_down = alpha(period, _NF_DOWN_TAU_US)
        self.k_nf_grow = 1.0 + period / _NF_UP_TAU_US
        self.k_gb = alpha(period, _GB_TAU_US)
        self.k_g = alpha(period, _G_TAU_US)
        self.k_dir4 = alpha(4 * period, _DIR_TAU_US)
        self.k_dir_rest = alpha(period, _DIR_REST_TAU_US)
        self.k_dir_nogyro = alpha(period, _DIR_NOGYRO_TAU_US)
        self.k_ref = alpha(period, _REF_TAU_US)
        # Where a block is one long sample (12.5 Hz: 80 ms) stillness is seen a
        # sample or two late, and 0.8-1.1 s between step-ups did not hold the
        # end rest: shorter there by 3x the period's excess over a 35 ms block.
        self.end_rest = _END_REST_US - 3 * (period - 35000) if period > 60000 else _END_REST_US

    def feed(self, t, dt, period, ax, ay, az, amag, gx, gy, gz, gyro2):
        # Hot path (once per block): locals over attributes, few float
        # operations (each one allocates on MicroPython), no calls but sqrt/acos.
        if period > self.period_hi or period < self.period_lo:
            self._coeffs(period)  # (not for every wobble of the measured period: ~30 divisions)
            if not self.started:  # (reset makes the first block come here)
                self._start(ax, ay, az, amag)
        dts = dt * 1e-6
        gyro = self.has_gyro
        if not gyro and gyro2 > 0.0:
            self.has_gyro = gyro = True
        kq = self.k_q
        # Steadiness: |a| against its short mean (turns are the gyro's to see).
        sa = self.sa
        sa += (amag - sa) * self.k_slow
        self.sa = sa
        e = amag - sa
        qa = self.qa
        if e > 0.0:
            qa += (e - qa) * kq
        else:
            qa -= (qa + e) * kq  # (the same as qa += (-e - qa) * kq, one float operation less)
        self.qa = qa
        bx = self.bx
        by = self.by
        bz = self.bz
        wx = gx - bx
        wy = gy - by
        wz = gz - bz
        qw = self.qw
        if gyro:
            # (the raw rate: its bias is part of the noise floor below)
            qw += (math.sqrt(gyro2) - qw) * kq
            self.qw = qw
        # Noise floors: the quietest level seen lately (rate and noise dependent);
        # they fall quickly and rise by at most a share of their own value.
        nfa = self.nfa
        if qa < nfa:
            nfa += (qa - nfa) * self.k_nf_down
        else:
            nfa *= self.k_nf_grow
        self.nfa = nfa
        # (thresholds as literals: a float global costs a lookup per block)
        steady = qa < 0.08 + 3.0 * nfa  # _A_REST + _NF_K * nfa
        # Turning: the gyro's rate (or, without one, how fast the accelerometer's
        # direction moved at the last block), against its own noise floor.
        nfw = self.nfw
        if qw < nfw:
            nfw += (qw - nfw) * self.k_nf_down
        else:
            nfw *= self.k_nf_grow
        self.nfw = nfw
        steady = steady and qw < 0.04 + 3.0 * nfw  # _W_REST + _NF_K * nfw
        in_seg = self.in_seg
        # At rest (and not inside a segment: what is learned must not change under the analysis).
        rest_us = self.rest_us
        end_rest = self.end_rest
        nb = self.nb
        rest = steady and not in_seg and rest_us > end_rest
        # Gravity direction: the gyro turns it (a world-fixed vector seen from a
        # body turning at w changes at u x w); at rest (or without a gyro) the
        # accelerometer says where it is.
        ux = self.ux
        uy = self.uy
        uz = self.uz
        if gyro:
            cx = (uy * wz - uz * wy) * dts
            cy = (uz * wx - ux * wz) * dts
            cz = (ux * wy - uy * wx) * dts
            ux += cx
            uy += cy
            uz += cz
            if rest:
                k = self.k_gb
                self.bx = bx + wx * k
                self.by = by + wy * k
                self.bz = bz + wz * k
                k = self.k_dir_rest
            else:
                # moving: the gyro's drift corrected slowly, every 4th block
                k = self.k_dir4 if nb & 3 == 0 else 0.0
        else:
            k = self.k_dir_nogyro
        if k > 0.0 and 5.9 < amag < 13.7:  # free fall and impacts do not point down
            k /= amag
            ux += ax * k - ux * k * amag
            uy += ay * k - uy * k * amag
            uz += az * k - uz * k * amag
        n = 1.5 - 0.5 * (ux * ux + uy * uy + uz * uz)  # renormalise (one Newton step: |u| stays ~1)
        ux *= n
        uy *= n
        uz *= n
        self.ux = ux
        self.uy = uy
        self.uz = uz
        if gyro:
            fv = ax * ux + ay * uy + az * uz
        else:
            # No gyro: turns are seen as the accelerometer's direction moving.
            # (read as steadiness at the next block, against its own noise floor)
            fv = amag
            e = ux - self.ux_prev
            r = e if e > 0.0 else -e
            e = uy - self.uy_prev
            r += e if e > 0.0 else -e
            e = uz - self.uz_prev
            r += e if e > 0.0 else -e
            if dts > 0.0:
                self.qw = qw + (r / dts - qw) * kq
            self.ux_prev = ux
            self.uy_prev = uy
            self.uz_prev = uz
        rx = self.rx
        ry = self.ry
        rz = self.rz
        c = ux * rx + uy * ry + uz * rz
        th = math.acos(c if c < 1.0 else 1.0) * 57.29577951308232
        if rest and not self.has_p and th < _REF_NEAR_DEG:
            k = self.k_ref
            self.rx = rx + (ux - rx) * k
            self.ry = ry + (uy - ry) * k
            self.rz = rz + (uz - rz) * k
        # Still: steady, and reading the 1 g of the last rest (less the
        # learned tilt error). A slow lift's start and end are steady too,
        # but not at 1 g; the tolerance grows with the tilt since that rest.
        # (Not at the thigh, where the tilt must hold instead: no tilt error
        # is learned there, and a thigh resting at another angle than where
        # 1 g was learned, the split stance after a rep, read 0.07 m/s^2 off
        # and never came to rest.) Where the tempo asks for slow strokes the
        # noise's share is smaller: a 4 s, 30 cm stroke peaks at 0.09 m/s^2
        # and at high noise passed for rest whole, closing segments mid-stroke.
        g = self.g
        d = th - self.th_g
        av = fv - g - self.k_th * d
        fq = self.fq
        fq += (av - fq) * kq
        self.fq = fq
        still = steady
        if steady and self.g_set and self.metric:
            # _A_ABS + k_still * nfa + _A_PER_DEG * |d|
            tol = 0.03 + self.k_still * nfa + 0.002 * (d if d > 0.0 else -d)
            still = -tol < fq < tol
        angular = self.angular
        h = self.head
        if still and not self.metric:
            # At the thigh the tilt must hold too: a slow flexion (a single-leg
            # deadlift's stance thigh, 12-25 deg over seconds) is as steady as
            # rest to both sensors' magnitudes. (At the waist it found more
            # hinges at high noise, but timed their starts 0.3-0.5 s late.)
            k = h - 1 - _TILT_LAG_US // period  # (k, e: no new locals, the frame stays as it is)
            e = th - self.rb_th[k if k >= 0 else k + _RING]
            if e > 1.0 or e < -1.0:  # deg (a literal: a float global costs a lookup per block)
                still = False
        # The sensor's own 1 g (scale error and bias included), learned at rest.
        if rest and still and 5.9 < fv < 13.7:
            if self.g_set:
                # a running mean over the first rest, then slowly
                n = self.g_n + 1
                self.g_n = n
                k = 1.0 / n
                if k < self.k_g:
                    k = self.k_g
                self.g = g + (fv - g) * k
                self.th_g += d * k
            else:
                self.g = fv
                self.th_g = th
                self.fq = 0.0
                self.g_set = True
                self.g_n = 1
        # The ring (fv, not fv - g: g may be learned again while a segment's
        # pre-roll is still in the ring).
        self.rb_dt[h] = dt
        self.rb_a[h] = fv
        self.rb_th[h] = th
        if self.signs:
            self.rb_ux[h] = ux
            self.rb_uy[h] = uy
            self.rb_uz[h] = uz
        h += 1
        self.head = h if h < _RING else 0
        nb += 1  # blocks written (segment lengths, pre-rolls are counted from it)
        self.nb = nb
        # Rest and motion.
        if still:
            rest_us += dt
            self.rest_us = rest_us
            self.move_us = 0
        else:
            m = self.move_us + dt
            self.move_us = m
            if m > _MOVE_US:
                self.rest_us = rest_us = 0
        if in_seg:
            if angular:
                v = (self.th_prev - th) / dts  # flexion rate (down = positive flexion)
                acc = self.vl  # (its rate of change is worked out below, where the phase may change)
                self.vl = v
                vs = v if v > 0.0 else -v
            else:
                # The segment's velocity so far: the middle of a slow stroke
                # (constant speed) is as steady as rest to an accelerometer.
                v = self.vs + av * dts
                self.vs = v
                acc = av
                vs = v if v > 0.0 else -v
                if vs > self.vs_peak:
                    self.vs_peak = vs
                    self.vs_peak_t = t
                # What the gate below needs to tell drift from motion: the
                # tilt's integral over the segment, av and the tilt over the
                # current stillness.
                self.s_dt += d * dts
                if still:
                    self.s_ra += av
                    self.s_rd += d
                    self.s_rn += 1
                else:
                    self.s_rn = 0
                    self.s_ra = self.s_rd = 0.0
            # Live phase: a change only when the speed passes the threshold.
            if not still and vs > self.v_live:
                ph = self.phase  # (the call only where the phase may change: it is most blocks' cost)
                if ph != ("eccentric" if v < 0.0 else "concentric"):
                    self._live_moving(t, v, (v - acc) / dts if angular else acc)
        if angular:
            self.th_prev = th
        if still and rest_us > end_rest:
            ph = self.phase
            if ph == "eccentric" or ph == "concentric":
                self._live_rest(t, rest_us)
        if in_seg:
            if still and rest_us > end_rest:
                # Rest closes the segment when the velocity says it is rest
                # too (the middle of a slow stroke is as steady as rest).
                rest = angular or rest_us > _LONG_REST_US
                if not rest:
                    k = _VS_SHARE * self.vs_peak + _VS_MIN + _VS_DRIFT * (t - self.seg_t0)
                    rest = vs < k
                elif (not angular and rest_us < _GLIDE_REST_US and vs > _GLIDE * self.vs_peak
                      and self.vs_peak_t >= t - rest_us and t - self.seg_t0 < _GLIDE_SEG_US):
                    # The long rest, but the velocity holds at a peak it reached
                    # in this rest, early in the segment: the glide through a
                    # slow stroke's middle. A 4.5 s lowering on a bell at high
                    # noise was steady for 1.26 s there at 95 % of its peak,
                    # and the close cut it in two. (Drift after a stroke peaks
                    # later, in an older segment; the error taken off below
                    # still says rest where av reads one, and where too few
                    # still blocks measure it the long rest still does.)
                    k = _GLIDE * self.vs_peak
                    rest = self.s_rn <= 3
                n = self.s_rn
                if not rest and n > 3:
                    # ... or once the sensor's error is taken off it: still, av
                    # should read 0, and what it reads is the error now. Taken
                    # as proportional to the tilt since 1 g was learned (the
                    # bias and scale error seen along a turning gravity
                    # direction), or as constant where the tilt is back near
                    # that, it is integrated over the segment and taken off v.
                    # (The constant case is the weak one: early in a very slow
                    # stroke av reads the stroke's own acceleration. Measured
                    # on balance, see docs/engine.md.)
                    e = self.s_ra / n
                    r = self.s_rd / n
                    if r > _TH_LOCAL_MIN or r < -_TH_LOCAL_MIN:
                        e = v - e * self.s_dt / r
                    else:
                        e = v - e * (t - self.seg_t0) * 1e-6
                    rest = -k < e < k
            else:
                rest = False
            if rest:
                # ... but not while the tilt still moves and the velocity has
                # not fallen: the middle of a slow lowering (a split squat turns
                # the pelvis 6-18 deg, a bell 5-15) is as steady as rest, and a
                # close there halves the stroke. (The thigh's rest holds the tilt
                # already; before the first rest's 1 g is known, "still" is only
                # steady, and that first rest is what must be found.) Where the
                # long rest alone says rest, the velocity has not been asked,
                # and early in a segment its peak is no measure: the tilt must
                # hold (a 4.4 s lowering on a bell at medium noise was still
                # for 1.6 s of its middle and was cut in two).
                k = self.head - 1 - _CLOSE_LAG_US // period
                e = th - self.rb_th[k if k >= 0 else k + _RING]
                if (not self.metric or not self.g_set or -1.0 < e < 1.0
                        or ((angular or rest_us <= _LONG_REST_US) and vs < 0.5 * self.vs_peak)):
                    self._close(_END_REST, t)
            elif nb - self.seg_nb0 >= _RING - 1:
                self._close(_END_NONE, t)  # no rest for the whole ring: analyse what it holds
        elif self.move_us > _MOVE_US:
            self._open(t)

    def _start(self, ax, ay, az, amag):
        """First block of a stream: the accelerometer says where down is."""
        n = amag if amag > 0.0 else 1.0
        self.ux, self.uy, self.uz = ax / n, ay / n, az / n
        self.rx, self.ry, self.rz = self.ux, self.uy, self.uz  # standing: the reference to tilt from
        self.sa = amag
        self.started = True

    def _live_moving(self, t, v, acc):
        """Live phase while moving: shown once sure, dated back to the onset."""
        ph = self.phase
        lim = self.v_live
        if ph == "eccentric" or ph == "concentric":
            lim *= 2.5  # a reversal without a rest must be clear (drift)
        if v < -lim and ph != "eccentric":
            self._set_phase("eccentric", onset_us(t, v, acc, _ONSET_MAX_US))
        elif v > lim and ph != "concentric":
            self._set_phase("concentric", onset_us(t, v, acc, _ONSET_MAX_US))

    def _live_rest(self, t, rest_us):
        """Still after a stroke: between the strokes of a rep a pause, between reps the top."""
        up_first = self.lead > 0
        if self.phase == "eccentric":
            self._set_phase("top" if up_first else "pause", t - rest_us)
        else:
            self._set_phase("pause" if up_first else "top", t - rest_us)

    def _set_phase(self, phase, t):
        if phase != self.phase:
            self.phase = phase
            self.phase_start_us = t

    # --- segments ---------------------------------------------------------

    def _open(self, t):
        """Motion seen: the segment starts _PRE_US earlier (a slow lift leaves rest quietly)."""
        n = 1
        back = 0
        i = self.head - 1
        # ... but not before the rest that closed the previous segment began
        nb = self.nb
        lim = nb - self.quiet_nb0
        if lim > nb:
            lim = nb
        if lim > _RING:
            lim = _RING
        while n < lim and back < _PRE_US + self.move_us:
            back += self.rb_dt[i if i >= 0 else i + _RING]
            i -= 1
            n += 1
        self.seg_nb0 = nb - n  # blocks written before the segment's first
        self.seg_t0 = t - back
        self.in_seg = True
        self.from_rest = n < nb  # (not where the stream itself began: a set started mid-rep)
        # The segment before, closed without a stroke though its travel moved
        # (see _close), is analysed again with this one when the rest between
        # them was shorter than the pre-roll: that rest was a slow stroke's middle.
        cut = self.cut
        cut[0] = 2 if cut[0] == 1 and n >= lim and t - cut[2] < _CUT_US else 0
        # The velocity gained before the motion was seen (a slow start is quiet).
        vs = 0.0
        if not self.angular:
            g = self.g
            kt = self.k_th
            tg = self.th_g
            first = self.head - n
            for m in range(1, n):
                j = first + m
                if j < 0:
                    j += _RING
                elif j >= _RING:
                    j -= _RING
                vs += (self.rb_a[j] - g - kt * (self.rb_th[j] - tg)) * self.rb_dt[j] * 1e-6
        self.vs = vs
        self.vs_peak = vs if vs > 0.0 else -vs
        self.vs_peak_t = t
        self.s_dt = self.s_ra = self.s_rd = 0.0
        self.s_rn = 0

    def _close(self, end, t):
        nb = self.nb
        n = nb - self.seg_nb0
        t0 = self.seg_t0
        self.in_seg = False
        # where the closing rest began, in blocks (a later segment may start within it)
        self.quiet_nb0 = nb - ((self.rest_us * n) // (t - t0) if t > t0 else 1)
        # In the travel, at high noise, the middle of a slow stroke (a 4 s
        # lowering peaks at 0.1 m/s^2) can pass for rest: the segment closes
        # there without a stroke, and the next starts mid-stroke, at a speed
        # it takes for zero. Such a segment, closed at rest with its travel
        # moving half a least stroke, is kept (cut) and analysed again from
        # its start with the next one, if that starts right after it (_open).
        # (Only that once: a cut analysed with the next is not kept again. The
        # live state, the close's velocity gate, stays the next segment's own.)
        cut = self.cut
        fr = self.from_rest
        again = cut[0] == 2
        # (... where the two still fit in the ring: the open one may have run
        # on for most of it, a touch-and-go set after the kept one)
        if again and end == _END_REST and nb - cut[1] < _RING:
            n = nb - cut[1]
            t0 = cut[2]
            self.from_rest = cut[3]
        cut[0] = 0
        i0 = self.head - n
        if i0 < 0:
            i0 += _RING
        k = self._analyse(i0, n, t0, end)  # (the last still top's block, or 0; -1: no stroke, the travel moved)
        if k < 0:
            k = 0
            if end == _END_REST and not again:
                cut[0] = 1
                cut[1] = nb - n
                cut[2] = t0
                cut[3] = fr
        if end == _END_NONE:
            self.in_seg = True
            self.from_rest = False
            if self.run_n and 2 * k > n:
                # A set runs on without a rest: the next segment starts at the
                # last top the athlete stood still at, in the ring's second
                # half, so the rep the ring's end cut is analysed whole there.
                # (The reps it holds again are known: see _candidate.)
                self.seg_nb0 = nb - n + k
                self.seg_t0 = t0 + self.wt[k]
            else:
                # keep going: the next segment starts here, in motion
                self.seg_nb0 = nb - 1
                self.seg_t0 = t

    def _rest_mean(self, src, i0, n, first):
        """Mean of src over the rest at the start (first) or end of a segment."""
        wt = self.wt
        s = 0.0
        m = 0
        if first:
            k = 0
            while k < n and wt[k] <= _REST_AVG_US:
                j = i0 + k
                s += src[j if j < _RING else j - _RING]
                m += 1
                k += 1
        else:
            end = wt[n - 1]
            k = n - 1
            while k >= 0 and end - wt[k] <= _REST_AVG_US:
                j = i0 + k
                s += src[j if j < _RING else j - _RING]
                m += 1
                k -= 1
        return s / m if m else 0.0

    def _analyse(self, i0, n, t0, end):
        """end: _END_REST (a rest closed it), _END_GAP (the stream stopped: the
        velocity is taken as zero there, no rest level is known), _END_NONE.
        Returns the block of the last top the athlete stood still at, where
        the travel's drift was measured at such tops (see _close); -1 where
        the travel moved but held no stroke (see _strokes); else 0."""
        if n < 4:
            return 0
        wt = self.wt
        wx = self.wx
        dtb = self.rb_dt
        tha = self.rb_th
        # Times from the segment start (the first block's own time).
        t = 0
        for k in range(n):
            j = i0 + k
            if j >= _RING:
                j -= _RING
            if k:
                t += dtb[j]
            wt[k] = t
        th0 = self._rest_mean(tha, i0, n, True)
        th1 = self._rest_mean(tha, i0, n, False) if end == _END_REST else th0
        still = 0
        if self.metric:
            # the travel into wx, or into wv when the reps are in the tilt (for the range and the velocity)
            still = self._travel(i0, n, end, th0, th1, self.wv if self.angular else wx)
        if self.angular and not (self.signs and self._signed_tilt(i0, n)):
            for k in range(n):
                j = i0 + k
                wx[k] = -tha[j if j < _RING else j - _RING]  # flexion lowers the hip: down
        if self._strokes(i0, n, t0):
            return -1
        return still or 0

    def _signed_tilt(self, i0, n):
        """wx[0:n]: the tilt, down negative (flexion lowers the hip), signed in
        the plane of the segment's motion near standing; False (wx untouched)
        where no block went deep enough to give a plane. The ring's tilt is a
        magnitude off the standing direction: where a rep passes standing a
        few degrees to the side (a roll, a yaw) and overshoots it (a hip
        locked out past upright), the magnitude folds back up instead of
        crossing zero, and the stroke measured ending ~0.3 s early. Clear of
        standing the magnitude stays: a path that leaves the plane (a lunge's
        thigh swinging out) is still that deep."""
        wx = self.wx
        tha = self.rb_th
        deep = 0.0
        jd = 0
        for k in range(n):
            j = i0 + k
            if j >= _RING:
                j -= _RING
            if tha[j] > deep:
                deep = tha[j]
                jd = j
        if deep <= _DEEP_DEG:  # no motion to take a plane from
            return False
        # The plane: standing, and the direction the deepest block went off it (unit m).
        rx, ry, rz = self.rx, self.ry, self.rz
        bx, by, bz = self.rb_ux, self.rb_uy, self.rb_uz
        ux, uy, uz = bx[jd], by[jd], bz[jd]
        c = ux * rx + uy * ry + uz * rz
        mx, my, mz = ux - c * rx, uy - c * ry, uz - c * rz
        c = math.sqrt(mx * mx + my * my + mz * mz)  # (sin of a tilt over _DEEP_DEG: not 0)
        mx, my, mz = mx / c, my / c, mz / c
        for k in range(n):
            j = i0 + k
            if j >= _RING:
                j -= _RING
            ux, uy, uz = bx[j], by[j], bz[j]
            e = math.atan2(ux * mx + uy * my + uz * mz, ux * rx + uy * ry + uz * rz) * 57.29577951308232
            wx[k] = -(tha[j] if e > _SIDE_DEG else e)
        return True

    def _travel(self, i0, n, end, th0, th1, out):
        """The vertical travel over the segment into out (m, up positive); wx is
        scratch. Returns what _detrend does where it ran (else None)."""
        at_rest = end == _END_REST
        wt = self.wt
        wx = self.wx
        acc = self.rb_a
        tha = self.rb_th
        e0 = self._rest_mean(acc, i0, n, True)
        e1 = self._rest_mean(acc, i0, n, False) if at_rest else e0
        # The sensor's error changes with the tilt: measured at the two rests
        # when the tilt changed clearly between them, else as learned before.
        # (Not from a smaller change: over a few degrees the rests' noise is
        # the slope, and where a slow stroke's tail closed the segment its
        # end "rest" reads the deceleration, 0.05-0.1 m/s^2: over 7.5 deg a
        # slope that left 3 cm of a split squat's 25 cm lowering.)
        dth = th1 - th0
        if at_rest and (dth > _TH_SLOPE_MIN or dth < -_TH_SLOPE_MIN):
            # this segment's own two rests say how the error changed with the tilt
            ks = (e1 - e0) / dth
            if ks > _TH_SLOPE_MAX:  # more than a sensor's errors can make: one rest was not rest
                ks = _TH_SLOPE_MAX
            elif ks < -_TH_SLOPE_MAX:
                ks = -_TH_SLOPE_MAX
            m = self.k_th_n + 1 if self.k_th_n < 4 else 4
            self.k_th += (ks - self.k_th) / m
            self.k_th_n = m
        else:
            ks = self.k_th
        # Trapezoid integration; then what is left of the error is removed:
        # a constant (the velocity's residual at the end rest, as a straight
        # line), and, where the reps are found in the tilt and the pelvis
        # went out and back to the same posture, the part that changes with
        # the tilt (the hip's height at the end is its height at the start:
        # two conditions for the two unknowns). Not elsewhere: a bell picked
        # up from the floor ends at the tilt it started at, not the height.
        span = wt[n - 1] * 1e-6
        fit = (self.angular and end == _END_REST and span < _LONG_SEG_S
               and -_TH_LOCAL_MIN <= dth <= _TH_LOCAL_MIN)
        v = 0.0
        x = 0.0
        a_prev = 0.0
        vt = 0.0  # integral of (tilt - th0), and its integral
        xt = 0.0
        t_prev = 0.0
        out_max = 0.0
        if fit:
            for k in range(n):
                j = i0 + k
                if j >= _RING:
                    j -= _RING
                tt = tha[j] - th0
                a = acc[j] - e0 - ks * tt
                if k:
                    h = (wt[k] - wt[k - 1]) * 1e-6
                    v_prev = v
                    v += (a + a_prev) * 0.5 * h
                    x += (v + v_prev) * 0.5 * h
                    w = vt
                    vt += (tt + t_prev) * 0.5 * h
                    xt += (vt + w) * 0.5 * h
                    if tt > out_max:
                        out_max = tt
                    elif -tt > out_max:
                        out_max = -tt
                a_prev = a
                t_prev = tt
                wx[k] = v  # velocity for now
                out[k] = vt  # (out is wv here: free until the travel goes in)
        else:
            v = self._velocity(i0, n, e0, th0, ks)  # (the same, without the fit's sums: the board pays per operation)
        # (a segment longer than one straight line of drift can take,
        # _LONG_SEG_S, is tried with its pauses first where it runs from rest
        # to rest: see below. One that began in motion, at the stream's start,
        # has no velocity known there to draw the first line from.)
        if end != _END_NONE and (span < _LONG_SEG_S or (at_rest and self.from_rest and out is wx)):
            c = v / span if span > 0.0 else 0.0
            dk = 0.0
            if fit and out_max > _TH_SLOPE_MIN:
                # c * span + dk * vt = v;  c * span^2 / 2 + dk * xt = x
                det = span * xt - 0.5 * span * span * vt
                if det > 1e-9 or det < -1e-9:
                    dk = (span * x - 0.5 * span * span * v) / det
                    if ks + dk > _TH_SLOPE_MAX:
                        dk = _TH_SLOPE_MAX - ks
                    elif ks + dk < -_TH_SLOPE_MAX:
                        dk = -_TH_SLOPE_MAX - ks
                    c = (v - dk * vt) / span
            if dk:
                x = 0.0
                v_prev = 0.0
                for k in range(n):
                    v = wx[k] - c * wt[k] * 1e-6 - dk * out[k]  # (out holds the tilt's integral)
                    if k:
                        x += (v + v_prev) * 0.5 * (wt[k] - wt[k - 1]) * 1e-6
                    v_prev = v
                    out[k] = x
            else:
                # (where the reps are found in the travel, it goes into wv first:
                # the pauses are looked for in it with the velocity still in wx)
                travel = self.wv if out is wx else out
                _integrate(wx, wt, n, c, travel)
                if travel is not out:
                    if not self._zero_at_pauses(i0, n, c, e0, th0, e1, th1, at_rest) and span >= _LONG_SEG_S:
                        self._detrend(n, end)  # no pauses to break a long drift (wx: still the velocity)
                        return
                    # the travel into wx: the two work arrays trade places (no copy)
                    self.wx, self.wv = travel, wx
        else:
            still = self._detrend(n, end)
            if out is not wx:
                for k in range(n):
                    out[k] = wx[k]
            return still

    def _velocity(self, i0, n, e0, th0, ks):
        """wx[0:n]: the vertical velocity integrated from 0 at the segment's
        start, the error taken as e0 at tilt th0 and ks per degree off it; its
        last value returned."""
        wx = self.wx
        wt = self.wt
        acc = self.rb_a
        tha = self.rb_th
        v = 0.0
        a_prev = 0.0
        for k in range(n):
            j = i0 + k
            if j >= _RING:
                j -= _RING
            a = acc[j] - e0 - ks * (tha[j] - th0)
            if k:
                v += (a + a_prev) * 0.5 * (wt[k] - wt[k - 1]) * 1e-6
            a_prev = a
            wx[k] = v
        return v

    def _zero_at_pauses(self, i0, n, c, e0, th0, e1, th1, at_rest):
        """Zero-velocity updates inside a segment: wv holds the travel with the
        drift taken off as a straight line (c, m/s^2), wx the velocity as
        integrated; where pauses are found, wx gets the drift taken off as
        the line through 0 at the start, the velocity at each pause and at
        the end, and wv the travel from it. A pause is the flattest spell
        (see _flattest) near a turn of the travel where the velocity is under
        _PAUSE_NEAR of the strokes' peak (a minimum-jerk stroke's peak is
        1.875x its mean speed): a slow stroke's middle is as flat, but fast.
        (A turn without a pause is flat for a moment too, and still there.)
        (A 2 s pause at the bottom of a 4-2-2 squat did not close the
        segment, its velocity reading 0.26 m/s of drift, and the rep measured
        0.85 m down, 0.6 up.) Where the tilt at the pauses held still (the
        tilt within _PAUSE_HOLD_DEG, the velocity within _PAUSE_STRAIGHT of a
        straight line for 2 x _PAUSE_LEVEL_US: a touch-and-go turn, two
        minimum-jerk strokes meeting without acceleration, is that straight
        for 0.4 s and reads their acceleration) or at the end rest is
        _PAUSE_TILT_DEG or more off the start's, the sensor's error there
        against the start's gives its slope with the tilt: the bottom of a
        squat, held for seconds, is the best measure of it there is (the
        rests before and after are both standing)."""
        wx = self.wx
        wt = self.wt
        wv = self.wv
        pts = _turning_points(wv, n, self.d_min)
        if len(pts) < 3:
            return False
        fast = 0.0
        for q in range(1, len(pts)):
            a = pts[q - 1]
            b = pts[q]
            v = (wv[b] - wv[a]) / (wt[b] - wt[a])
            if v > fast:
                fast = v
            elif -v > fast:
                fast = -v
        # (Where the tempo holds the bottom a second or more, the pause is
        # expected and its velocity may read more drift: a 2-1-2 split squat's
        # at high noise read 0.094 m/s against 0.091 allowed, and the rep,
        # found without its pause, was refused. Not where the tempo holds
        # none: a touch-and-go turn is flat for a moment too.)
        near = (_PAUSE_NEAR_HELD if self.held_bottom else _PAUSE_NEAR) * 1.875e6 * fast  # (m/s: wt is in us)
        knots = [0, 0.0]  # block, velocity there; ...
        spells = []  # each pause's first and last block
        for kt in pts[1:-1]:
            flat, kc, k0, k1 = _flattest(wx, wt, n, kt)
            v = wx[kc] - c * wt[kc] * 1e-6
            if flat < _STILL_FLAT and -near < v < near and kc > knots[-2]:
                knots.append(kc)
                knots.append(0.0)
                spells.append(k0)
                spells.append(k1)
        if not spells:
            return False
        # (no longer a stretch without one than a segment may be: a straight
        # line of drift over more does not hold, and a long segment is
        # detrended instead)
        kp = 0
        for q in range(0, len(knots) + 2, 2):
            k = knots[q] if q < len(knots) else n - 1
            if wt[k] - wt[kp] >= _LONG_SEG_US:
                return False
            kp = k
        # The error's slope with the tilt, fitted through the start rest's level.
        sxy = sxx = big = 0.0
        if at_rest:
            sxy = (e1 - e0) * (th1 - th0)
            sxx = (th1 - th0) * (th1 - th0)
            big = th1 - th0 if th1 > th0 else th0 - th1
        acc = self.rb_a
        tha = self.rb_th
        for q in range(0, len(spells), 2):
            lo, hi = _around(wt, (spells[q] + spells[q + 1]) // 2, n, _PAUSE_LEVEL_US)
            # still: the velocity straight (a constant error) and the tilt held
            ta = wt[lo]
            sl = (wx[hi] - wx[lo]) / ((wt[hi] - ta) * 1e-6)
            if sl > _PAUSE_ERR_MAX or sl < -_PAUSE_ERR_MAX:
                continue
            sa = st = 0.0
            tlo = thi = tha[(i0 + lo) % _RING]
            for k in range(lo, hi + 1):
                r = wx[k] - wx[lo] - sl * (wt[k] - ta) * 1e-6  # off the straight line
                if r > _PAUSE_STRAIGHT or r < -_PAUSE_STRAIGHT:
                    break
                j = i0 + k
                if j >= _RING:
                    j -= _RING
                th = tha[j]
                if th < tlo:
                    tlo = th
                elif th > thi:
                    thi = th
                sa += acc[j]
                st += th
            else:
                if thi - tlo < _PAUSE_HOLD_DEG:
                    m = hi - lo + 1
                    e = st / m - th0
                    sxy += (sa / m - e0) * e
                    sxx += e * e
                    if e > big:
                        big = e
                    elif -e > big:
                        big = -e
        if big >= _PAUSE_TILT_DEG:
            ks = sxy / sxx
            if ks > _TH_SLOPE_MAX:
                ks = _TH_SLOPE_MAX
            elif ks < -_TH_SLOPE_MAX:
                ks = -_TH_SLOPE_MAX
            self._velocity(i0, n, e0, th0, ks)
        # each pause's velocity: the mean over its spell
        for q in range(0, len(spells), 2):
            v = 0.0
            for k in range(spells[q], spells[q + 1] + 1):
                v += wx[k]
            knots[q + 3] = v / (spells[q + 1] - spells[q] + 1)
        knots.append(n - 1)
        knots.append(wx[n - 1])
        _sub_knots(wx, wt, n, knots)
        _integrate(wx, wt, n, 0.0, wv)
        return True

    def _detrend(self, n, end):
        """Reps without a rest between them (or a segment longer than the ring):
        the velocity less its mean over a window around it, which is zero over
        whole reps (back where they started) and takes the drift away whatever
        its shape (returns _drift_at_stills' last still top, else 0). The
        window is one rep's time (over a shorter one a slow
        rep loses its middle): the tempo's first (self.detrend_us), then the
        reps' own cycle measured between the tops that pass shows. Where the
        athlete stands still at two of those tops or more, the drift is
        measured there instead (see _drift_at_stills): a window's mean bends
        the first and last reps, whose window runs past the reps. wx holds the
        velocity on entry, the displacement on return."""
        wx = self.wx
        wv = self.wv
        wt = self.wt
        _integrate(wx, wt, n, 0.0, wv)  # plain displacement first, kept in wv
        half = self.detrend_us // 2
        hys = _D_MIN[self.mount]  # (metres: the travel's, also where the reps are found in the tilt)
        x = 0.0
        d = 0
        top = bot = 0.0
        k_top = 0
        tops_k = []  # the tops' blocks
        still = 0
        for measure in (True, False):
            # First the tops of the detrended displacement x (with hysteresis, as
            # in _strokes) measure the reps' cycle; then the window is applied.
            lo = hi = 0
            for k in range(n):
                t = wt[k]
                while lo < k and wt[lo] < t - half:
                    lo += 1
                while hi < n - 1 and wt[hi] < t + half:
                    hi += 1
                dt = (wt[hi] - wt[lo]) * 1e-6
                v = wx[k] - ((wv[hi] - wv[lo]) / dt if dt > 0.0 else 0.0)
                if not measure:
                    wx[k] = v  # wx: detrended velocity
                    continue
                if k:
                    x += (v + v_prev) * 0.5 * (t - wt[k - 1]) * 1e-6
                v_prev = v
                if d >= 0:
                    if x > top:
                        top = x
                        k_top = k
                    elif top - x >= hys:
                        if d > 0:
                            tops_k.append(k_top)
                        d = -1
                        bot = x
                elif x < bot:
                    bot = x
                elif x - bot >= hys:
                    d = 1
                    top = x
                    k_top = k
            if not measure:
                break
            still = self._drift_at_stills(n, end, tops_k, half)
            if still:
                break
            # The reps' own cycle, where three tops or more measure one: a
            # window 30 % off it becomes the cycle (slower reps than the
            # window) or _DETREND_US (quicker: an athlete off the tempo).
            w = half * 2
            tops = len(tops_k)
            c = (wt[tops_k[-1]] - wt[tops_k[0]]) // (tops - 1) if tops >= 3 else w
            if 10 * c < 7 * w:
                c = _DETREND_US
            elif 10 * c <= 13 * w:
                c = w
            half = c // 2
        _integrate(wx, wt, n, 0.0, wv)
        for k in range(n):
            wx[k] = wv[k]
        return still

    def _drift_at_stills(self, n, end, tops_k, half):
        """Zero-velocity updates for _detrend: the block of the last still top
        (over 0: at least two were found) when wx (the velocity, as
        integrated) has had its drift taken off, the line through its value
        at the segment's start where that was rest (0: the integral starts
        there), at each top where the athlete stands still (the reps' pause
        at the top, 0.25 s or more) and, where a rest closed the segment, at
        its end; carried on straight past the first and the last (a segment
        may begin in motion: a set started mid-rep, a full ring closing the
        one before; the stream may stop in motion). A top is still where,
        within _STILL_SEARCH_US of the first pass's top, the velocity keeps
        within _STILL_FLAT for 2 x _STILL_HALF_US (the flattest such spell)
        and the first pass's windowed velocity there is under _STILL_NEAR (a
        slow stroke's middle is flat too, but not still; where a rest closed
        the segment the block returned is its end). 0, wx untouched, where
        fewer than two tops are still."""
        wx = self.wx
        wt = self.wt
        wv = self.wv  # (the plain displacement: the first pass's window means)
        knots = [0, 0.0] if self.from_rest else []  # block, drift there; ...
        for kt in tops_k:
            flat, kc, k0, k1 = _flattest(wx, wt, n, kt)  # the flattest spell near the top
            if flat >= _STILL_FLAT:
                continue
            lo, hi = _around(wt, kc, n, half)
            dt = (wt[hi] - wt[lo]) * 1e-6
            v = wx[kc] - ((wv[hi] - wv[lo]) / dt if dt > 0.0 else 0.0)
            if -_STILL_NEAR < v < _STILL_NEAR:
                v = 0.0
                for j in range(k0, k1 + 1):
                    v += wx[j]
                if not knots or kc > knots[-2]:
                    knots.append(kc)
                    knots.append(v / (k1 - k0 + 1))
        if len(knots) < (6 if self.from_rest else 4):
            return False
        if end == _END_REST and n - 1 > knots[-2]:
            knots.append(n - 1)
            knots.append(wx[n - 1])
        _sub_knots(wx, wt, n, knots)  # the drift: straight between the knots
        return knots[-2]

    def _strokes(self, i0, n, t0):
        """Turning points of wx[0:n] (hysteresis d_min), each run between them a
        stroke. True where there was none though the travel moved _CUT_SPREAD
        of d_min (see _close)."""
        wx = self.wx
        pts = _turning_points(wx, n, self.d_min)
        if len(pts) < 2:
            return not self.angular and _spread(wx, 0, n - 1) >= _CUT_SPREAD * self.d_min
        strokes = []
        prev_end = None
        both = self.angular and self.metric  # found in the tilt, travel in wv
        wv = self.wv
        # Where the reps are found in the travel, a stroke's tilt too (its
        # range, read at some 16 of its blocks): a re-rack bends the pelvis,
        # a split squat barely (see _far_unlike).
        tilt_too = self.metric and not self.angular
        tha = self.rb_th
        for s in range(len(pts) - 1):
            a, b = pts[s], pts[s + 1]
            l0, l1 = wx[a], wx[b]
            size = l1 - l0
            sd = 1 if size > 0 else -1
            t10 = self._cross(a, b, l0 + 0.1 * size, sd)
            t90 = self._cross(a, b, l0 + 0.9 * size, sd)
            span = (t90 - t10) / _MJ_SPAN
            if self._rough(a, b, t10 - _MJ_T10 * span, span, l0, size):
                prev_end = None
                strokes.append([0, 0, 0, 0.0])  # not a stroke a lift makes: breaks the pairing
                continue
            start = t0 + int(t10 - _MJ_T10 * span)
            end = t0 + int(t90 + _MJ_T10 * span)
            if prev_end is not None and start < prev_end:
                # a reversal without a pause: the extrapolations overlap
                mid = (start + prev_end) // 2
                strokes[-1][2] = mid
                start = mid
            size *= sd
            if both:
                # (m) the travel's own range over the stroke: its turning points
                # need not fall on the tilt's
                strokes.append([sd, start, end, size, _spread(wv, a, b)])
            elif tilt_too:
                lo = 1e9
                hi = -1e9
                for k in range(i0 + a, i0 + b + 1, (b - a) // 16 + 1):
                    e = tha[k if k < _RING else k - _RING]
                    if e < lo:
                        lo = e
                    if e > hi:
                        hi = e
                strokes.append([sd, start, end, size, hi - lo])
            else:
                strokes.append([sd, start, end, size])  # (4 items: one heap block)
            prev_end = end
        # Walking: short strokes back to back, with no rest between them (a
        # set rests at least at one end of every rep).
        run = 0
        prev_end = None
        for s in strokes:
            if s[2] - s[1] < _WALK_STROKE_US and (prev_end is None or s[1] - prev_end < _WALK_GAP_US):
                run += 1
                if run >= _WALK_STROKES:
                    self.has_p = False
                    return
            else:
                run = 1 if s[2] - s[1] < _WALK_STROKE_US else 0
            prev_end = s[2]
        for s in strokes:
            if s[0]:
                # (the travel, and the other measure: see _far_unlike)
                self._stroke(s[0], s[1], s[2], s[3], s[4] if both else s[3], s[4] if both or tilt_too else 0.0)
            else:
                self.has_p = False

    def _rough(self, a, b, s0, span, l0, size):
        """True when wx[a..b] strays from the smooth (minimum-jerk) stroke with the
        same ends and timing by more than _ROUGH of its size, RMS: a lift's
        strokes are smooth, the wander of walking or of drift is not."""
        if span <= 0.0:
            return True
        wx = self.wx
        wt = self.wt
        e2 = 0.0
        step = (b - a) // 12 + 1  # a dozen points tell the shape (the board pays per point)
        m = 0
        for k in range(a, b + 1, step):
            m += 1
            u = (wt[k] - s0) / span
            if u < 0.0:
                u = 0.0
            elif u > 1.0:
                u = 1.0
            e = wx[k] - l0 - size * u * u * u * (10.0 - 15.0 * u + 6.0 * u * u)
            e2 += e * e
        return e2 > _ROUGH * _ROUGH * size * size * m

    def _cross(self, a, b, level, d):
        """Time (us from the segment start) where wx first reaches level going direction d."""
        wx = self.wx
        wt = self.wt
        for k in range(a + 1, b + 1):
            if (wx[k] - level) * d >= 0.0:
                x0 = wx[k - 1]
                f = (level - x0) / (wx[k] - x0) if wx[k] != x0 else 1.0
                return wt[k - 1] + f * (wt[k] - wt[k - 1])
        return float(wt[b])

    # --- strokes into reps ------------------------------------------------

    def _stroke(self, d, start, end, size, travel, other):
        dur = end - start
        if dur < _MIN_STROKE_US or dur > _MAX_STROKE_US or size < self.d_min:
            self.has_p = False
            return
        if self.has_p and d != self.p_d and start - self.p_end <= self.pair_gap:
            if self.run_n and size < _RETURN_SET * self.run[4]:
                # Not the rep's return: noise in a held bottom at high noise
                # (a 5.6 cm "rise" in a 12.5 Hz split squat's 1 s pause, a
                # quarter of the set's). The lead waits for the next.
                return
            big = size if size > self.p_size else self.p_size
            small = self.p_size if size > self.p_size else size
            # (Where a set runs or candidates wait for one, a looser balance:
            # at high noise a rep's strokes measured 0.34-0.43 of each other,
            # a slow lowering cut short by a close mid-stroke, a rise carrying
            # drift to 1.7x the set's, and the rep was lost. The candidate
            # must still be like the set, or start one with two alike.)
            # Where the reps are found in the tilt, the gyro's measure, a rep's
            # strokes measured within 0.81 of each other at every noise level,
            # while a walking thigh's swings, ramping in and out about
            # standing, paired at 0.48-0.55 and two such pairs, alike, made a
            # set of two at the set's end.
            bal = _BALANCE_TILT if self.angular else (_BALANCE_SET if self.run_n or self.pending else _BALANCE)
            if small >= bal * big and (self.lead == 0 or self.p_d == self.lead):
                if self.lead == 0:
                    self.lead = self.p_d
                self.has_p = False
                self._candidate(self.p_start, self.p_end, start, end, self.p_size, size, self.p_travel, travel,
                                (self.p_other + other) * 0.5)
                return
        if self.lead == 0 or d == self.lead:
            self.has_p = True
            self.p_d = d
            self.p_start, self.p_end, self.p_size = start, end, size
            self.p_travel = travel
            self.p_other = other
        else:
            self.has_p = False

    def _candidate(self, start, bottom, rise, end, s1, s2, m1, m2, other):
        """A rep-shaped pair of strokes: emit it when it fits the set.

        A set is a run of reps alike in size and in the time of each phase.
        Until a run exists, candidates wait (up to _PENDING of them) for a
        set to start: three alike (two alone are also two re-racks in a row);
        once it has, a candidate unlike it (a re-rack, a pick-up, a foot set
        down and lifted between step-ups) is not a rep.
        """
        if bottom < self.last_rep_end:
            return  # a rep counted already, seen again (see _close: a full ring)
        c = (start, bottom, rise, end, (s1 + s2) * 0.5, other, m1, m2)
        # (a rep the strokes did not show, a 4-2-2 lowering at high noise, must
        # not end the set: the gap allows one more of the set's reps)
        if self.run_n and start - self.last_rep_end > _SET_GAP_US + self.run[3]:
            self.run_n = 0  # a new set
        if self.run_n:
            # (a dip after the set, further from it than its reps are from
            # each other, is not a rep when the tempo or its proportion of
            # tilt to travel tells it apart)
            if self._similar(c, self.run, 1.0) and not (
                    start - self.last_rep_end > self.run[6] + _LEAD_IN_US and _far_unlike(self, c, self.run)):
                self._accept(c)
            return
        pend = self.pending
        pend.append(c)
        if len(pend) > _PENDING:
            pend.pop(0)
        # A set starts with two reps more alike than a rep must be to the set
        # (a re-rack before the first is rep-shaped), unless the tempo leaves
        # a stroke free: an explosive one takes anything from 0.45 to 0.8 s.
        # (No tempo at all is no licence: re-racks in a row while walking
        # about paired.) A third, like the pair's mean as a rep to a set must
        # be, and like its neighbour in the pair, confirms it. (To the
        # neighbour the strokes' times need only the loose 0.55, even where
        # they are precise: each rep's may be 25 % off the tempo, so two reps
        # at its opposite ends differ by 0.6: a 2-1-2 kettlebell deadlift's
        # lowerings measured 1.62 and 2.36 s, 0.686.) The pairs are tried
        # oldest first: between step-ups the other foot's lifts pair too, later.
        k = _pair_k(self.tempo)
        n = len(pend) - 1  # c's index: the new candidate is one of the three
        for j in range(1, n + 1):
            g = pend[j]
            if start - g[3] > _SET_GAP_US:
                continue
            for i in range(j - 1, -1, -1):
                f = pend[i]
                # (a rep between them that the strokes did not show, or that
                # was timed off and refused, must not keep two apart: the gap
                # allows one rep of their length, as for a running set)
                if g[0] - f[3] > _SET_GAP_US + g[3] - g[0] or not self._similar(g, f, k):
                    continue
                ref = _mean_rep(f, g)
                t = -1
                for m in (range(n - 1, -1, -1) if j == n else (n,)):
                    if m == i or m == j:
                        continue
                    x = pend[m]
                    if m > j:
                        near = g
                    elif m < i:
                        near = f
                    else:
                        near = f if x[0] - f[3] < g[0] - x[3] else g
                    gap = _SET_GAP_US + near[3] - near[0]
                    if (x[0] - near[3] <= gap and near[0] - x[3] <= gap
                            and self._similar(x, ref, 1.0) and self._similar(x, near, 1.0, True)):
                        t = m
                        break
                if t < 0:
                    continue
                # The three in time order: a, b, d. The first is a rep when as
                # close to the next as that is to the last, or as alike as a
                # pair; else (a re-rack before the set) it only confirms.
                a = i if i < t else t
                d = t if t > j else j
                b = i + j + t - a - d
                y = pend[a]
                h = pend[b]
                # (the next: the first like the set after h, not the third
                # chosen: with a rep between them, a dip 2.4 s before a
                # touch-and-go set was as close as h was to the third)
                nxt = d
                for m in range(b + 1, d):
                    if self._like_but_its_start(pend[m], ref):
                        nxt = m
                        break
                if not (h[0] - y[3] <= pend[nxt][0] - h[3] + _LEAD_IN_US
                        or (self._similar(h, y, k) and not _far_unlike(self, y, h))):
                    a = b
                elif a:
                    # ... and the candidate just before, as close to the set as
                    # its reps are to each other, is its first rep when like
                    # the pair as a rep to a set must be (a rep measured short)
                    # or but for its start
                    q = pend[a - 1]
                    if _leads_in(self, q, y, h, ref):
                        self._accept(q)
                # In time order (the reps are counted and sent so): the three,
                # and what came between them when like the set, or but for
                # its start (between two of a set's reps, what moves the
                # travel as far as a rep and ends as its reps do is one).
                self._accept(pend[a])
                for m in range(a + 1, n + 1):
                    if m == i or m == j or m == t or self._like_but_its_start(pend[m], self.run):
                        self._accept(pend[m])
                del pend[:]
                return

    def _like_but_its_start(self, c, ref):
        """Like the set as a rep must be (_similar), or, where the reps are
        found in the travel, like it in size and in the closing stroke's time
        with a lead stroke no shorter than a pair's likeness allows, however
        long. Leaving rest is the travel's least certain edge: in noise, drift
        or sway before the stroke moves its 10 % crossing early, and reps of
        a set measured 0.5-1.6 s long in the lead stroke alone. (In the tilt
        the gyro times the strokes; a partial rep, a set begun mid-lowering,
        is short there, not long.)"""
        if self._similar(c, ref, 1.0):
            return True
        if self.angular or not self.metric:
            return False
        size = c[4]
        rs = ref[4]
        if size < _SIMILAR * rs or rs < _SIMILAR * size:
            return False
        a = c[3] - c[2]
        b = ref[3] - ref[2]
        if a < _SIMILAR_T * b or b < _SIMILAR_T * a:
            return False
        return c[1] - c[0] >= _SIMILAR_T * _PAIR_K * (ref[1] - ref[0])

    def _similar(self, c, ref, k, neighbour=False):
        """Alike: size within _SIMILAR, each stroke's time within _SIMILAR_T, pause
        close; k > 1 narrows the ratios (k = 1.25: 0.6 -> 0.75, a set's first
        pair); k = 1, a rep to its set (or to the pair's mean, or a pair where
        the tempo leaves a stroke free). neighbour: a rep to its neighbour in
        a set's first three (see _candidate), as k = 1 but the strokes' times
        within _SIMILAR_T even where they are precise, and no deeper rep."""
        size = c[4]
        rs = ref[4]
        # (At a low noise floor a set's reps measure alike, within ~6 %: a rep
        # to the set within 0.75 too, where a re-rack's dip measures 0.6-0.65
        # of a rep; above 0.03 m/s^2 travels scatter by a third. A size read
        # from the tilt is the gyro's, alike whatever the accelerometer's noise.)
        scatter = self.nfa > 0.03 and not self.angular
        lim = _SIMILAR * (k if k > 1.0 or scatter else _PAIR_K)
        if (size < lim * rs or rs < lim * size) and not (
                k == 1.0 and not neighbour and rs <= size and rs >= _SIMILAR * size and _deeper(self, c, ref)):
            return False
        # (Each stroke's time too, where the tempo paces them and the times
        # are precise, at a low noise floor or read from the tilt: a rep's
        # strokes then keep within ~25 % of the set's, and a re-rack after
        # the set, a dip out and back at its own pace, took 1.5-1.8x as long.)
        lim = _SIMILAR_T * k
        tempo = self.tempo
        if (k == 1.0 and not neighbour and not scatter and tempo is not None and tempo.eccentric_ms != _EXPLOSIVE
                and tempo.concentric_ms != _EXPLOSIVE):
            lim = _SIMILAR_T * _PAIR_K
        for a, b in ((c[1] - c[0], ref[1] - ref[0]), (c[3] - c[2], ref[3] - ref[2])):
            if a < lim * b or b < lim * a:
                return False
        # (The pause: a rep's to the set's, within _PAUSE_SLACK_US and a third
        # of the set's; half of it where the travels scatter, above 0.03
        # m/s^2: there a stroke's ends are timed off by 0.3-0.5 s and 1-1.6 s
        # pauses measured 0.19 and 2.4 s. A re-rack's dip, without a pause,
        # is still off a pause of 0.7 s or more.)
        p = ref[2] - ref[1]
        dp = (c[2] - c[1]) - p
        p = _PAUSE_SLACK_US + (int(p * _PAUSE_NOISY) if k == 1.0 and scatter else p // 3)
        return -p <= dp <= p

    def _accept(self, c):
        start, bottom, rise, end, size, other, m1, m2 = c
        # The run's mean rep (times from its start), for _similar.
        n = self.run_n + 1 if self.run_n < 8 else 8
        r = self.run
        if self.run_n == 0:
            r[0] = 0
            r[1] = bottom - start
            r[2] = rise - start
            r[3] = end - start
            r[4] = size
            r[5] = other
            r[6] = 0
        else:
            r[6] += (start - self.last_rep_end - r[6]) // (n - 1)
            r[1] += (bottom - start - r[1]) // n
            r[2] += (rise - start - r[2]) // n
            r[3] += (end - start - r[3]) // n
            r[4] += (size - r[4]) / n
            r[5] += (other - r[5]) / n
        self.run_n = n
        self.last_rep_end = end
        if rise < bottom:
            bottom = rise = (bottom + rise) // 2
        self.count += 1
        rep = Rep(self.count, start, bottom, rise, end)
        if self.lead > 0:
            rep.concentric_first = True
            up_travel, up_us = m1, bottom - start
        else:
            up_travel, up_us = m2, end - rise
        if self.angular:
            rep.depth_deg = size
        if self.metric:
            rep.rom_cm = (m1 + m2) * 50.0
            if up_us > 0:
                rep.mean_velocity_m_s = up_travel / (up_us * 1e-6)
        if self.tempo is not None:
            self.tempo.judge_rep(rep)
        self.out.append(rep)

    # --- stream edges -----------------------------------------------------

    def gap(self, t_last):
        """The stream stopped at t_last: analyse the open segment, keep the reps."""
        if self.in_seg:
            self._close(_END_GAP, t_last)
            self.in_seg = False
        self._restart()
        self._set_phase("top", t_last)

    def finish(self, t_last):
        self.gap(t_last)
        # The athlete ended the set: two alike just before are its reps (a set
        # of two has no third to confirm it; walking about has no end of set).
        pend = self.pending
        if not self.run_n and len(pend) >= 2:
            f = pend[-2]
            g = pend[-1]
            if t_last - g[3] <= _SET_GAP_US and g[0] - f[3] <= _SET_GAP_US and self._similar(g, f, _pair_k(self.tempo)):
                # ... and the one before them, as when a set starts (_candidate)
                q = pend[-3] if len(pend) >= 3 else None
                if q and _leads_in(self, q, f, g, _mean_rep(f, g)):
                    self._accept(q)
                self._accept(f)
                self._accept(g)
        del self.pending[:]
        self.has_p = False
