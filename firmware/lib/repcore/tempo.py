"""Tempo targets in the usual notation and per-phase compliance.

"3-1-1" means 3 s lowering (eccentric), 1 s pause at the bottom, 1 s rise
(concentric); an optional fourth digit is the pause at the top ("3-1-1-0").
"X" in a phase means explosive: as fast as possible, judged only as "not slow".
"""

from repcore.events import TEMPO_FAST, TEMPO_OK, TEMPO_SLOW

EXPLOSIVE = -1  # phase target meaning "as fast as you can"
EXPLOSIVE_MAX_MS = 1000  # an explosive phase slower than this is out of tempo
DEFAULT_TOLERANCE_MS = 500


class TempoError(ValueError):
    pass


class Tempo:
    """A parsed tempo target; phase targets in ms, EXPLOSIVE for "X"."""

    def __init__(self, eccentric_ms, pause_ms, concentric_ms, top_ms=None,
                 tolerance_ms=DEFAULT_TOLERANCE_MS):
        self.eccentric_ms = eccentric_ms
        self.pause_ms = pause_ms
        self.concentric_ms = concentric_ms
        self.top_ms = top_ms
        self.tolerance_ms = tolerance_ms

    def judge(self, target_ms, actual_ms):
        """TEMPO_OK, TEMPO_FAST or TEMPO_SLOW for one phase."""
        if target_ms == EXPLOSIVE:
            return TEMPO_OK if actual_ms <= EXPLOSIVE_MAX_MS else TEMPO_SLOW
        if actual_ms < target_ms - self.tolerance_ms:
            return TEMPO_FAST
        if actual_ms > target_ms + self.tolerance_ms:
            return TEMPO_SLOW
        return TEMPO_OK

    def judge_rep(self, rep):
        """Fill a Rep's per-phase verdicts in place and return it."""
        rep.tempo_eccentric = self.judge(self.eccentric_ms, rep.eccentric_ms)
        rep.tempo_pause = self.judge(self.pause_ms, rep.pause_ms)
        rep.tempo_concentric = self.judge(self.concentric_ms, rep.concentric_ms)
        return rep

    def __str__(self):
        parts = [self.eccentric_ms, self.pause_ms, self.concentric_ms]
        if self.top_ms is not None:
            parts.append(self.top_ms)
        out = []
        for ms in parts:
            if ms == EXPLOSIVE:
                out.append("X")
            elif ms % 1000 == 0:
                out.append(str(ms // 1000))
            else:
                out.append(str(ms / 1000))
        return "-".join(out)


def parse_tempo(text, tolerance_ms=DEFAULT_TOLERANCE_MS):
    """Parse "3-1-1", "3-1-1-0", "2.5-0-X" into a Tempo; TempoError says what is wrong."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    parts = text.replace("/", "-").split("-")
    if len(parts) not in (3, 4):
        raise TempoError(
            "tempo %r: expected 3 or 4 phases like '3-1-1' or '3-1-1-0' "
            "(seconds lowering-pause-rising[-top], X for explosive)" % text)
    values = []
    for i, part in enumerate(parts):
        part = part.strip()
        if part in ("X", "x"):
            values.append(EXPLOSIVE)
            continue
        try:
            seconds = float(part)
        except ValueError:
            raise TempoError("tempo %r: phase %d is %r, not a number of seconds or X"
                             % (text, i + 1, part))
        if seconds < 0 or seconds > 30:
            raise TempoError("tempo %r: phase %d is %s s; use 0 to 30 seconds"
                             % (text, i + 1, part))
        values.append(int(seconds * 1000 + 0.5))
    top = values[3] if len(values) == 4 else None
    return Tempo(values[0], values[1], values[2], top, tolerance_ms)
