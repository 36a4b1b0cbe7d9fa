"""VirtualBoard: runs firmware/boot.py and firmware/code.py unchanged on CPython.

It puts stand-in CircuitPython modules (stubs.py) into sys.modules, gives the
firmware a virtual `time` (clock.py), an I2C bus with an emulated LSM6DS
(lsm6ds.py) and SSD1306 (ssd1306.py), buttons driven by a scenario, a buzzer
log, and usb_cdc.data on a pipe or a pty (usb.py). The real Adafruit libraries
(adafruit_lsm6ds, adafruit_displayio_ssd1306, displayio from
adafruit-blinka-displayio, adafruit_display_text, adafruit_ticks) run on top.

displayio's background refresh thread is stopped: on the board, refresh happens
between the firmware's statements, so the virtual board does it from time.sleep()
on the same thread, at the display's native frame rate, in virtual time. That
keeps every run deterministic.
"""

import contextlib
import io
import os
import pathlib
import runpy
import sys

from . import stubs
from .buttons import ButtonPanel
from .clock import SimStop, VirtualClock, make_time_module
from .lsm6ds import EmulatedLSM6DS
from .settings import load_settings, make_getenv
from .ssd1306 import EmulatedSSD1306
from .usb import PipeSerial, PtySerial

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIRMWARE_DIR = ROOT / "firmware"

# Modules the firmware imports that must be fresh per run (they bind time/supervisor at import).
_FRESH = ("repclip_board", "code", "boot", "adafruit_ticks", "adafruit_lsm6ds", "settings")


def _is_fresh(name):
    """That module or a submodule of it (never 'codecs' for 'code')."""
    return any(name == p or name.startswith(p + ".") for p in _FRESH)


class _Tee(io.TextIOBase):
    def __init__(self, sink, echo=None):
        self.sink = sink
        self.echo = echo

    def write(self, s):
        self.sink(s)
        if self.echo is not None:
            self.echo.write(s)
        return len(s)

    def flush(self):
        if self.echo is not None:
            self.echo.flush()


class VirtualBoard:
    def __init__(self, flash_dir, *, firmware_dir=None, settings=None, trace_source=None,
                 imu_variant="LSM6DSOX", imu_address=0x6A, imu_present=True, display_height=None,
                 data="pipe", echo_console=False, flash_capacity=2 * 1024 * 1024, uid=b"\x52\x43\x56\x42\x00\x01",
                 battery_volts=3.95, fifo_capacity=None):
        self.firmware_dir = pathlib.Path(firmware_dir or FIRMWARE_DIR)
        self.flash_dir = pathlib.Path(flash_dir)
        self.flash_dir.mkdir(parents=True, exist_ok=True)
        overrides = dict(settings or {})
        overrides.setdefault("REPCLIP_DATA_DIR", str(self.flash_dir))
        if display_height:
            overrides["REPCLIP_DISPLAY_HEIGHT"] = display_height
        self.settings = load_settings(self.firmware_dir / "settings.toml", overrides)
        self.clock = VirtualClock()
        self.uid = uid
        self.nvm = bytearray(8192)
        self.cpu_temperature = 27.5
        self.battery_volts = battery_volts
        self.flash_capacity = flash_capacity
        self.flash_readonly = True
        self.usb_drive = True
        self.cdc_enabled = None
        self.console = []
        self.echo_console = echo_console
        self.buzzer = []  # (t_ms, on, frequency)
        self.frames = []  # (t_ms, 1024-byte GDDRAM snapshot), only when the picture changed
        self.board_i2c = None
        self.imu = EmulatedLSM6DS(self.clock, trace_source, imu_variant, fifo_capacity=fifo_capacity)
        self.imu.absent = not imu_present
        height = int(self.settings.get("REPCLIP_DISPLAY_HEIGHT", 64) or 64)
        self.oled = EmulatedSSD1306(128, height)
        self.i2c_devices = {imu_address: self.imu, 0x3C: self.oled}
        pins = [p.strip() for p in str(self.settings.get("REPCLIP_BUTTONS", "BUTTON_A,BUTTON_B")).split(",")
                if p.strip()]
        self.buttons = ButtonPanel(self.clock, pins)
        self.data_stream = PtySerial() if data == "pty" else PipeSerial()
        self.actions = []  # (t_ns, callable) from the scenario, sorted
        self.engine_events = []
        self.stop_reason = None
        self._last_draw = -1
        self._in_refresh = False
        self.clock.sleep_hooks.append(self._on_sleep)

    # -- console, buzzer -------------------------------------------------
    def log_console(self, text):
        self.console.append(text)

    @property
    def console_text(self):
        return "".join(self.console)

    def buzzer_event(self, duty, freq):
        on = duty > 0
        if self.buzzer and self.buzzer[-1][1] == on:
            return
        self.buzzer.append((self.clock.ns // 1_000_000, on, freq))

    # -- scenario --------------------------------------------------------
    def at(self, t_s, action):
        """Run `action()` once virtual time reaches t_s seconds (from a firmware sleep)."""
        self.actions.append((int(t_s * 1e9), len(self.actions), action))
        self.actions.sort()

    def press(self, t_s, button, hold_ms=80):
        self.at(t_s, lambda: self.buttons.set(button, True))
        self.at(t_s + hold_ms / 1000, lambda: self.buttons.set(button, False))

    def stop_at(self, t_s):
        self.clock.stop_at_ns = int(t_s * 1e9)

    def _on_sleep(self, now_ns):
        while self.actions and self.actions[0][0] <= now_ns:
            _, _, action = self.actions.pop(0)
            action()
        self._refresh_displays()
        self._capture_frame()

    def _refresh_displays(self):
        if self._in_refresh:
            return
        import displayio

        self._in_refresh = True
        try:
            for display in list(displayio.displays):
                try:
                    display._background()  # auto_refresh at its native rate, like the board's tick
                except OSError:
                    pass  # the board drops a refresh the bus refused; so does the virtual one
        finally:
            self._in_refresh = False

    def _capture_frame(self):
        if self.oled.data_writes == self._last_draw:
            return
        self._last_draw = self.oled.data_writes
        snap = self.oled.snapshot()
        if not self.frames or self.frames[-1][1] != snap:
            self.frames.append((self.clock.ns // 1_000_000, snap))

    # -- running the firmware -----------------------------------------------
    def run(self, until_s=None, boot=True):
        """Run boot.py then code.py until SimStop (or the firmware returns). Returns the stop reason."""
        if until_s is not None:
            self.stop_at(until_s)
        code = self.firmware_dir / "code.py"
        if not code.is_file():
            raise FileNotFoundError("%s: no firmware to run (the virtual board runs firmware/code.py)" % code)
        with self._installed():
            try:
                if boot and (self.firmware_dir / "boot.py").is_file():
                    runpy.run_path(str(self.firmware_dir / "boot.py"), run_name="__main__")
                if self.cdc_enabled is None or self.cdc_enabled[1]:
                    sys.modules["usb_cdc"].data = self.data_stream
                runpy.run_path(str(code), run_name="__main__")
                self.stop_reason = "code.py returned"
            except SimStop as stop:
                self.stop_reason = str(stop) or "stopped"
            except stubs.SimReset as reset:
                self.stop_reason = str(reset)
        return self.stop_reason

    @contextlib.contextmanager
    def _installed(self):
        vtime = make_time_module(self.clock)
        names = list(stubs.MODULE_FACTORIES) + ["time"]
        saved = {n: sys.modules.get(n) for n in names}
        saved_fresh = {n: m for n, m in sys.modules.items() if _is_fresh(n)}
        for n in saved_fresh:
            del sys.modules[n]
        saved_path = list(sys.path)
        saved_getenv, saved_statvfs = os.getenv, os.statvfs
        timed = []  # displayio modules whose `time` we point at the virtual clock
        engine_patch = None
        try:
            for name, factory in stubs.MODULE_FACTORIES.items():
                sys.modules[name] = factory(self)
            # Imported after the stand-ins so Blinka's board detection never runs.
            import busdisplay
            import displayio
            from displayio import _displaycore

            displayio._stop_background()  # refresh runs from the virtual time.sleep() instead
            displayio.release_displays()
            for mod in (busdisplay, _displaycore):
                timed.append((mod, mod.time))
                mod.time = vtime
            sys.modules["time"] = vtime
            sys.path[:0] = [str(self.firmware_dir / "lib"), str(self.firmware_dir)]
            os.getenv = make_getenv(self.settings, saved_getenv)
            os.statvfs = self._statvfs(saved_statvfs)
            engine_patch = self._watch_engine()
            with contextlib.redirect_stdout(_Tee(self.log_console, sys.__stdout__ if self.echo_console else None)):
                yield
        finally:
            if engine_patch:
                engine_patch()
            if "displayio" in sys.modules:
                sys.modules["displayio"].release_displays()
            for mod, t in timed:
                mod.time = t
            os.getenv, os.statvfs = saved_getenv, saved_statvfs
            sys.path[:] = saved_path
            for n in [n for n in sys.modules if _is_fresh(n)]:
                del sys.modules[n]
            sys.modules.update(saved_fresh)
            for n, m in saved.items():
                if m is None:
                    sys.modules.pop(n, None)
                else:
                    sys.modules[n] = m

    def _statvfs(self, real):
        """Flash size for the data dir: capacity minus the bytes the files there take."""
        flash = str(self.flash_dir.resolve())
        board = self

        def statvfs(path):
            p = str(pathlib.Path(path).resolve())
            if not (p == flash or p.startswith(flash + os.sep)):
                return real(path)
            used = sum(f.stat().st_size for f in board.flash_dir.rglob("*") if f.is_file())
            block = 512
            free = max(0, board.flash_capacity - used) // block
            total = board.flash_capacity // block
            return os.statvfs_result((block, block, total, free, free, 0, 0, 0, 0, 255))

        return statvfs

    def _watch_engine(self):
        """Record every event the firmware's engine returns (wraps repcore Engine.feed for the run)."""
        try:
            from repcore import engine as engine_mod
        except ImportError:
            return None
        # The per-sample path lives on repcore.engine._Stream (Engine hands out
        # its bound feed/finish; strength's feed is made by _strength_feed); an
        # older engine has them on Engine itself.
        cls = getattr(engine_mod, "_Stream", None) or getattr(engine_mod, "Engine", None)
        if cls is None:
            return None
        events = self.engine_events

        def recording(fn):
            # (set on the class it is a method too: self comes in args)
            def wrapped(*args, **kwargs):
                ev = fn(*args, **kwargs)
                if ev is not None:
                    events.append(ev)
                return ev

            return wrapped

        originals = {}
        for name in ("feed", "feed_hops", "finish"):
            original = getattr(cls, name, None)
            if original is None:
                continue
            originals[name] = original
            setattr(cls, name, recording(original))

        # The strength feed is a plain function made per stream (repcore.engine._strength_feed).
        make_feed = getattr(engine_mod, "_strength_feed", None)
        if make_feed is not None:
            engine_mod._strength_feed = lambda stream: recording(make_feed(stream))

        def undo():
            for name, original in originals.items():
                setattr(cls, name, original)
            if make_feed is not None:
                engine_mod._strength_feed = make_feed

        return undo

    # -- results ---------------------------------------------------------------
    def frame_image(self, index=-1, scale=1):
        from .ssd1306 import ram_to_image

        return ram_to_image(self.frames[index][1], 128, self.oled.height, scale)

    def screen_image(self, scale=1):
        from .ssd1306 import ram_to_image

        return ram_to_image(self.oled.snapshot(), 128, self.oled.height, scale)
