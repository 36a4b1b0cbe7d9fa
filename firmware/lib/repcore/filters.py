"""Small streaming filter helpers shared by the detectors.

Every coefficient is derived from the measured sample period, so the same
time constants hold from 12.5 Hz to 833 Hz. Times are integer microseconds.
"""

# Time back to onset = ONSET_K * v / a: 2 for a minimum-jerk start (v ~ tau^2),
# 1 for a sine-shaped one (v ~ tau); smooth human lifts are close to minimum jerk.
ONSET_K = 2.0


def alpha(dt_us, tau_us):
    """First-order low-pass coefficient for one step of dt_us with time constant tau_us."""
    return dt_us / (tau_us + dt_us)


def onset_us(t_us, v, a, limit_us):
    """When did a movement that is now at speed v, accelerating at a, start?

    Smooth human movements start and stop like v ~ (time since onset)^2, so the
    onset lies about ONSET_K v / a before the moment the speed crossed a threshold. The
    correction is clamped to limit_us so a noisy a cannot throw it far.
    """
    if a == 0.0:
        return t_us - limit_us
    back = ONSET_K * v / a * 1e6
    if back < 0.0:
        back = -back
    if back > limit_us:
        back = limit_us
    return t_us - int(back)

