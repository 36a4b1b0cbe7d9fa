"""Virtual clock for the virtual board: integer nanoseconds that advance only when the firmware sleeps.

The firmware's `time.sleep()` is the one place the board gives up the CPU, so the
virtual board moves its clock there and runs everything that "happens in the
background" on real hardware (IMU sampling into the FIFO, display auto-refresh,
scripted button presses) at that moment. A run ends by raising SimStop from
sleep(); SimStop derives from BaseException so the app's `except Exception`
around hardware calls cannot swallow it.
"""

import time as _real_time
import types


class SimStop(BaseException):
    """Raised from the virtual time.sleep() to end a simulated run."""


class VirtualClock:
    """Integer-nanosecond clock; `hooks` run (in order) every time it moves."""

    def __init__(self, start_ns=0, cpu_ns_per_call=0):
        self.ns = int(start_ns)
        self.hooks = []  # callables(now_ns) run whenever time moves (sensor sampling)
        self.sleep_hooks = []  # callables(now_ns) run only from sleep(): the firmware is idle
        self.stop_at_ns = None  # SimStop once the clock passes this
        self.cpu_ns_per_call = cpu_ns_per_call  # charge for monotonic() calls (busy loops advance)
        self.sleeps = 0
        self.realtime = False  # True: sleep() also waits for real (serving a host over the pty)

    # -- movement ------------------------------------------------------
    def advance(self, delta_ns, may_stop=True):
        """Move time on. Bus transfers pass may_stop=False: SimStop comes only from sleep()."""
        if delta_ns > 0:
            self.ns += int(delta_ns)
        for hook in self.hooks:
            hook(self.ns)
        if may_stop and self.stop_at_ns is not None and self.ns >= self.stop_at_ns:
            raise SimStop("virtual time limit reached at %.3f s" % (self.ns / 1e9))

    def sleep(self, seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.sleeps += 1
        if self.realtime:
            _real_time.sleep(max(seconds, 0.0005))
        # Even sleep(0) lets a little time pass, as a loop iteration does on the board.
        self.advance(max(int(seconds * 1e9), 100_000), may_stop=False)
        for hook in self.sleep_hooks:
            hook(self.ns)
        if self.stop_at_ns is not None and self.ns >= self.stop_at_ns:
            raise SimStop("virtual time limit reached at %.3f s" % (self.ns / 1e9))

    # -- readings ------------------------------------------------------
    def monotonic_ns(self):
        if self.cpu_ns_per_call:
            self.ns += self.cpu_ns_per_call
        return self.ns

    def monotonic(self):
        return self.monotonic_ns() / 1e9

    def ticks_ms(self):
        """supervisor.ticks_ms(): wraps at 2**29 like CircuitPython's."""
        return (self.monotonic_ns() // 1_000_000) & ((1 << 29) - 1)

    @property
    def seconds(self):
        return self.ns / 1e9


CIRCUITPY_EPOCH = 946_684_800  # an unset CircuitPython RTC starts at 2000-01-01


def make_time_module(clock, epoch_s=CIRCUITPY_EPOCH):
    """A `time` module whose clocks and sleep run on `clock`; the rest is the real module.

    time.time() is `clock.epoch_s` (settable through the rtc stand-in) plus virtual seconds.
    Only the thread that creates it (the one running the firmware) gets virtual time: any
    other thread that imports `time` meanwhile (a host thread syncing over the pty, say)
    keeps the real clock and can never move the board's.
    """
    import threading

    clock.epoch_s = getattr(clock, "epoch_s", epoch_s)
    owner = threading.get_ident()
    mod = types.ModuleType("time")
    for name in dir(_real_time):
        if not name.startswith("__"):
            setattr(mod, name, getattr(_real_time, name))

    def board_only(virtual, real):
        def fn(*args):
            return virtual(*args) if threading.get_ident() == owner else real(*args)

        fn.__name__ = real.__name__
        return fn

    def v_time():
        return int(clock.epoch_s + clock.ns // 1_000_000_000)  # CircuitPython: integer seconds

    def v_time_ns():
        return clock.epoch_s * 1_000_000_000 + clock.ns

    def v_localtime(secs=None):
        return _real_time.gmtime(v_time() if secs is None else secs)

    mod.sleep = board_only(clock.sleep, _real_time.sleep)
    mod.monotonic = board_only(clock.monotonic, _real_time.monotonic)
    mod.monotonic_ns = board_only(clock.monotonic_ns, _real_time.monotonic_ns)
    mod.perf_counter = board_only(clock.monotonic, _real_time.perf_counter)
    mod.perf_counter_ns = board_only(clock.monotonic_ns, _real_time.perf_counter_ns)
    mod.time = board_only(v_time, _real_time.time)
    mod.time_ns = board_only(v_time_ns, _real_time.time_ns)
    mod.localtime = board_only(v_localtime, _real_time.localtime)
    mod.__virtual_clock__ = clock
    return mod
