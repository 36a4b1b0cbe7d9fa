"""Buttons through keypad: short and long presses without allocating per event.

keypad scans and debounces in the background; poll() takes one event at a
time with events.get_into() into a preallocated Event. A press is SHORT when
released before LONG_MS; it becomes LONG as soon as it has been held LONG_MS
(so the athlete feels it fire without letting go) and its release is then
ignored. Actions are small ints: key index * 2 + (1 if long).
"""

from adafruit_ticks import ticks_diff, ticks_ms
from repcore.compat import const

LONG_MS = const(1000)
NONE = const(-1)
A_SHORT = const(0)
A_LONG = const(1)
B_SHORT = const(2)
B_LONG = const(3)
C_SHORT = const(4)
C_LONG = const(5)
_NAMES = ("A", "A long", "B", "B long", "C", "C long")


def action_name(action):
    return _NAMES[action] if 0 <= action < len(_NAMES) else "none"


class Buttons:
    """`keys` is a keypad.Keys (or a stand-in with .events.get_into and .key_count)."""

    def __init__(self, keys, event):
        self.keys = keys
        self.event = event  # one keypad.Event, reused
        count = getattr(keys, "key_count", 3)
        self._down_at = [None] * count  # ticks_ms of the press, None when up
        self._fired = [False] * count

    @classmethod
    def from_pins(cls, pins):
        import keypad

        return cls(keypad.Keys(pins, value_when_pressed=False, pull=True), keypad.Event())

    def poll(self, now=None):
        """The next action (A_SHORT ... C_LONG) or NONE."""
        if now is None:
            now = ticks_ms()
        ev = self.event
        while self.keys.events.get_into(ev):
            k = ev.key_number
            if k >= len(self._down_at):
                continue
            if ev.pressed:
                self._down_at[k] = now
                self._fired[k] = False
                continue
            down = self._down_at[k]
            self._down_at[k] = None
            if down is None or self._fired[k]:
                continue
            return k * 2 + (1 if ticks_diff(now, down) >= LONG_MS else 0)
        for k in range(len(self._down_at)):
            down = self._down_at[k]
            if down is not None and not self._fired[k] and ticks_diff(now, down) >= LONG_MS:
                self._fired[k] = True
                return k * 2 + 1
        return NONE
