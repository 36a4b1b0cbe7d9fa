"""The strength analysis's small helpers, against signals whose answer is known."""

import math
from array import array

from repcore import strength as S


def _times(n, step_us=35000):
    return array("l", [k * step_us for k in range(n)])


def test_turning_points_are_the_extremes_of_a_sine():
    # 2.5 periods of a 0.3 m sine, 40 blocks a period: extremes at 10, 30, 50, 70, 90.
    n = 101
    x = array("f", [0.3 * math.sin(2 * math.pi * k / 40) for k in range(n)])
    pts = S._turning_points(x, n, 0.05)
    assert pts == [0, 10, 30, 50, 70, 90, 100]  # the first extreme, each turn, the last


def test_turning_points_ignore_a_wobble_under_the_hysteresis():
    n = 60
    x = array("f", [0.02 * math.sin(k) for k in range(n)])
    assert S._turning_points(x, n, 0.05) == [0]


def test_sub_knots_takes_off_a_piecewise_straight_drift_exactly():
    # A drift straight between knots at blocks 0, 20, 50 and 79, carried on
    # past them, is all that is taken off: a signal under it is left as it was.
    n = 80
    wt = _times(n)
    knots = [0, 0.0, 20, 0.4, 50, -0.2, 79, 0.1]

    def drift(k):
        for i in range(0, len(knots) - 2, 2):
            ka, va, kb, vb = knots[i:i + 4]
            if k <= kb or i == len(knots) - 4:
                return va + (vb - va) * (k - ka) / (kb - ka)

    signal = [0.1 * math.sin(k / 5.0) for k in range(n)]
    wx = array("f", [signal[k] + drift(k) for k in range(n)])
    S._sub_knots(wx, wt, n, knots)
    assert max(abs(wx[k] - signal[k]) for k in range(n)) < 1e-5


def test_the_flattest_spell_is_found_where_the_velocity_holds():
    # The velocity ramps, holds at 0.3 m/s over blocks 30-45, and ramps on:
    # the flattest 200 ms near block 34 lies inside the hold.
    n = 80
    wt = _times(n)
    wx = array("f", [0.01 * k if k < 30 else (0.3 if k <= 45 else 0.3 + 0.01 * (k - 45)) for k in range(n)])
    flat, kc, lo, hi = S._flattest(wx, wt, n, 34)
    assert flat == 0.0
    assert 30 <= lo and hi <= 45 and lo <= kc <= hi
