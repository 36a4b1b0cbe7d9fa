"""What the engine reports: one Rep per strength repetition, one Hop per jump.

Events are allocated once per rep or hop (seconds apart), never per sample.
Times are integer microseconds on the stream's own clock (the `t_us` fed to
the engine); durations are integer milliseconds.
"""

# Tempo verdict of one phase against the target.
TEMPO_NONE = None  # no target for this phase
TEMPO_OK = 0
TEMPO_FAST = -1
TEMPO_SLOW = 1

# Landing softness grades (thresholds live in repcore.hops and docs/engine.md).
SOFT = "soft"
MODERATE = "moderate"
HARD = "hard"
SOFTNESS_GRADES = (SOFT, MODERATE, HARD)

G = 9.80665  # standard gravity, m/s^2


def jump_height_cm(flight_us):
    """Jump height from flight time, h = g t^2 / 8 (take-off and landing at the same height)."""
    t = flight_us / 1e6
    return G * t * t / 8.0 * 100.0


class Rep:
    """One strength repetition: start (leaves the top) -> bottom -> rise -> end (top again)."""

    kind = "rep"

    def __init__(self, index, start_us, bottom_us, rise_us, end_us,
                 rom_cm=None, mean_velocity_m_s=None,
                 tempo_eccentric=None, tempo_pause=None, tempo_concentric=None,
                 depth_deg=None, concentric_first=None):
        self.index = index
        self.start_us = start_us
        self.bottom_us = bottom_us
        self.rise_us = rise_us
        self.end_us = end_us
        self.rom_cm = rom_cm
        self.mean_velocity_m_s = mean_velocity_m_s
        self.tempo_eccentric = tempo_eccentric
        self.tempo_pause = tempo_pause
        self.tempo_concentric = tempo_concentric
        # Tilt range in degrees where reps are found in the tilt: the thigh's flexion
        # (rom_cm stays None there), the pelvis of a squat or hinge at the waist.
        self.depth_deg = depth_deg
        # True for lifts that start at the bottom (deadlift from the floor, step-up):
        # start->bottom is then the concentric stroke and rise->end the eccentric.
        self.concentric_first = concentric_first

    @property
    def eccentric_ms(self):
        if self.concentric_first:
            return (self.end_us - self.rise_us) // 1000
        return (self.bottom_us - self.start_us) // 1000

    @property
    def pause_ms(self):
        return (self.rise_us - self.bottom_us) // 1000

    @property
    def concentric_ms(self):
        if self.concentric_first:
            return (self.bottom_us - self.start_us) // 1000
        return (self.end_us - self.rise_us) // 1000

    @property
    def tempo_ok(self):
        """True when every judged phase is in tempo, None when there is no target."""
        verdicts = (self.tempo_eccentric, self.tempo_pause, self.tempo_concentric)
        judged = [v for v in verdicts if v is not None]
        if not judged:
            return None
        for v in judged:
            if v != TEMPO_OK:
                return False
        return True

    def to_dict(self):
        return {
            "index": self.index,
            "start_us": self.start_us,
            "bottom_us": self.bottom_us,
            "rise_us": self.rise_us,
            "end_us": self.end_us,
            "eccentric_ms": self.eccentric_ms,
            "pause_ms": self.pause_ms,
            "concentric_ms": self.concentric_ms,
            "rom_cm": self.rom_cm,
            "mean_velocity_m_s": self.mean_velocity_m_s,
            "tempo_eccentric": self.tempo_eccentric,
            "tempo_pause": self.tempo_pause,
            "tempo_concentric": self.tempo_concentric,
            "tempo_ok": self.tempo_ok,
            "depth_deg": self.depth_deg,
            "concentric_first": self.concentric_first,
        }

    def __repr__(self):
        return "Rep(%d, %d-%d-%d ms)" % (self.index, self.eccentric_ms, self.pause_ms, self.concentric_ms)


class Hop:
    """One hop: take-off -> flight -> touch-down, with the landing that follows.

    contact_ms is the ground contact that *precedes* this hop's take-off (from
    the previous hop's touch-down), None for the first hop of a series; the
    reactive strength index pairs it with this hop's height.
    """

    kind = "hop"

    def __init__(self, index, takeoff_us, touchdown_us, contact_ms=None,
                 peak_g=0.0, loading_rate_g_s=0.0, softness=SOFT):
        self.index = index
        self.takeoff_us = takeoff_us
        self.touchdown_us = touchdown_us
        self.contact_ms = contact_ms
        self.peak_g = peak_g
        self.loading_rate_g_s = loading_rate_g_s
        self.softness = softness

    @property
    def flight_ms(self):
        return (self.touchdown_us - self.takeoff_us) // 1000

    @property
    def jump_height_cm(self):
        return jump_height_cm(self.touchdown_us - self.takeoff_us)

    @property
    def rsi(self):
        """Reactive strength index: jump height (m) / preceding contact time (s)."""
        if not self.contact_ms:
            return None
        return (self.jump_height_cm / 100.0) / (self.contact_ms / 1000.0)

    def to_dict(self):
        return {
            "index": self.index,
            "takeoff_us": self.takeoff_us,
            "touchdown_us": self.touchdown_us,
            "flight_ms": self.flight_ms,
            "contact_ms": self.contact_ms,
            "jump_height_cm": round(self.jump_height_cm, 2),
            "rsi": None if self.rsi is None else round(self.rsi, 3),
            "peak_g": round(self.peak_g, 2),
            "loading_rate_g_s": round(self.loading_rate_g_s, 1),
            "softness": self.softness,
        }

    def __repr__(self):
        return "Hop(%d, flight %d ms)" % (self.index, self.flight_ms)
