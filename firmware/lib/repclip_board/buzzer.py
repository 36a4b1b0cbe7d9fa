"""Non-blocking buzzer and tempo cues: PWM duty switched on a ticks deadline.

simpleio.tone() blocks the loop (and the FIFO would back up), so a tone here
is "duty on now, off at a deadline" and update() turns it off.

TempoCues paces a rep to the target tempo. With an engine that reports its
live phase (repcore.engine.Engine.phase / phase_start_us) the cues follow the
athlete: a short tick at each whole second of the lowering, a low tone on
reaching the bottom, and a high tone once the target pause is over: rise.
Without a live phase it falls back to a metronome that restarts at set start
and after every counted rep, with the same cues at the target times.
"""

from adafruit_ticks import ticks_add, ticks_diff
from repcore.compat import const

TICK_HZ = const(2000)
BOTTOM_HZ = const(880)
RISE_HZ = const(1760)
TICK_MS = const(30)
TONE_MS = const(120)
LEAD_MS = const(2000)  # quiet time after start / after a rep before the next cue cycle


class Buzzer:
    def __init__(self, pwm=None, duty=16384):
        self.pwm = pwm
        self.duty = duty
        self._off_at = None

    @classmethod
    def from_pin(cls, pin, duty=16384):
        import pwmio

        return cls(pwmio.PWMOut(pin, duty_cycle=0, frequency=440, variable_frequency=True), duty)

    def tone(self, now, frequency, ms):
        if self.pwm is None:
            return
        self.pwm.frequency = frequency
        self.pwm.duty_cycle = self.duty
        self._off_at = ticks_add(now, ms)

    def update(self, now):
        if self._off_at is not None and ticks_diff(now, self._off_at) >= 0:
            self.off()

    def off(self):
        self._off_at = None
        if self.pwm is not None:
            self.pwm.duty_cycle = 0


class TempoCues:
    """Cue schedule for one set; call restart() at set start and after each rep, update() each loop."""

    def __init__(self, buzzer, tempo=None):
        self.buzzer = buzzer
        self.tempo = tempo
        self._origin = None
        self._next = 0  # index of the next cue in the cycle
        self._cues = ()
        self._phase = None  # the phase being cued and its start (us)
        self._phase_start = None
        self._done = 0  # cues given in that phase

    def follow(self, now, phase, phase_start_us, t_us):
        """Cue from the engine's live phase (call once per loop with the latest sample time)."""
        t = self.tempo
        if t is None or self.buzzer.pwm is None or phase_start_us is None:
            return
        self._origin = None  # following the athlete: no metronome
        if phase != self._phase or phase_start_us != self._phase_start:  # no tuple per loop
            self._phase = phase
            self._phase_start = phase_start_us
            self._done = 0
        elapsed = (t_us - phase_start_us) // 1000
        if elapsed < 0:
            return
        if phase == "eccentric" and t.eccentric_ms > 0:
            due = elapsed // 1000 + 1
            ticks = (t.eccentric_ms + 999) // 1000
            if due > ticks:
                due = ticks
            if self._done < due:
                self._done = due
                self.buzzer.tone(now, TICK_HZ, TICK_MS)
        elif phase == "pause":
            if self._done == 0 and t.pause_ms > 0:
                self._done = 1
                self.buzzer.tone(now, BOTTOM_HZ, TONE_MS)
            elif self._done < 2 and elapsed >= (t.pause_ms if t.pause_ms > 0 else 0):
                self._done = 2
                self.buzzer.tone(now, RISE_HZ, TONE_MS)

    def _cue_times(self):
        """Offsets (ms from the cycle origin) and frequencies; EXPLOSIVE phases count as 0."""
        t = self.tempo
        ecc = t.eccentric_ms if t.eccentric_ms > 0 else 0
        pause = t.pause_ms if t.pause_ms > 0 else 0
        out = []
        s = 0
        while s < ecc:
            out.append((s, TICK_HZ, TICK_MS))
            s += 1000
        if pause:
            out.append((ecc, BOTTOM_HZ, TONE_MS))
        out.append((ecc + pause, RISE_HZ, TONE_MS))
        return out

    def restart(self, now):
        if self.tempo is None or self.buzzer.pwm is None:
            self._origin = None
            return
        self._origin = ticks_add(now, LEAD_MS)
        self._cues = self._cue_times()
        self._next = 0

    def stop(self):
        self._origin = None
        self.buzzer.off()

    def update(self, now):
        self.buzzer.update(now)
        if self._origin is None or self._next >= len(self._cues):
            return
        at, hz, ms = self._cues[self._next]
        if ticks_diff(now, ticks_add(self._origin, at)) >= 0:
            self.buzzer.tone(now, hz, ms)
            self._next += 1
