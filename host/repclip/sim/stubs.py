"""Stand-in CircuitPython modules for the virtual board.

Installed into sys.modules before firmware/boot.py and code.py run, so the
firmware's `import board, busio, keypad, ...` get these instead of Blinka's
(which would try to detect a real single-board computer and fail on a PC).
Each one mirrors the CircuitPython API the firmware uses (see the board contract
in docs/firmware.md); the state they touch lives on the VirtualBoard `hw`.
"""

import types

from .i2c import VirtualI2C


# -- microcontroller ------------------------------------------------------
class Pin:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "board.%s" % self.name

    def __eq__(self, other):
        return isinstance(other, Pin) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


class _Cpu:
    def __init__(self, hw):
        self._hw = hw
        self.uid = bytes(hw.uid)
        self.frequency = 120_000_000
        self.voltage = 3.3

    @property
    def temperature(self):
        return self._hw.cpu_temperature


class SimReset(BaseException):
    """microcontroller.reset() on the virtual board: the run ends (a real board would reboot)."""


def make_microcontroller(hw):
    m = types.ModuleType("microcontroller")
    m.Pin = Pin
    m.cpu = _Cpu(hw)
    m.cpus = (m.cpu,)
    m.nvm = hw.nvm

    def reset():
        hw.log_console("microcontroller.reset()\n")
        raise SimReset("microcontroller.reset() called")

    m.reset = reset
    m.on_next_reset = lambda run_mode: None
    m.RunMode = types.SimpleNamespace(NORMAL=0, SAFE_MODE=1, UF2=2, BOOTLOADER=3)
    m.delay_us = lambda us: hw.clock.advance(us * 1000, may_stop=False)
    m.disable_interrupts = lambda: None
    m.enable_interrupts = lambda: None
    m.pin = types.SimpleNamespace()
    return m


# -- board ------------------------------------------------------------------
class _BoardModule(types.ModuleType):
    """`board`: every upper-case attribute is a pin of that name (boards differ in pin sets)."""

    def __getattr__(self, name):
        if name.isupper() or name[:1] in "DA" and name[1:].isdigit():
            pin = Pin(name)
            setattr(self, name, pin)
            return pin
        raise AttributeError("module 'board' has no attribute %r" % name)


def make_board(hw):
    b = _BoardModule("board")
    b.board_id = "repclip_virtual_board"

    def i2c():
        if hw.board_i2c is None:
            hw.board_i2c = VirtualI2C(Pin("SCL"), Pin("SDA"), devices=hw.i2c_devices, clock=hw.clock,
                                       bus_time=True)
        return hw.board_i2c

    b.I2C = i2c
    b.STEMMA_I2C = i2c
    return b


# -- busio --------------------------------------------------------------------
def make_busio(hw):
    m = types.ModuleType("busio")

    class I2C(VirtualI2C):
        def __init__(self, scl, sda, *, frequency=100000, timeout=255):
            if scl == sda:
                raise ValueError("SCL and SDA must be different pins")
            super().__init__(scl, sda, frequency=frequency, devices=hw.i2c_devices, clock=hw.clock,
                                       bus_time=True)

    class _Unsupported:
        def __init__(self, *a, **k):
            raise NotImplementedError("the virtual board has no %s" % type(self).__name__)

    class SPI(_Unsupported):
        pass

    class UART(_Unsupported):
        pass

    m.I2C, m.SPI, m.UART = I2C, SPI, UART
    return m


# -- digitalio ---------------------------------------------------------------
def make_digitalio(hw):
    m = types.ModuleType("digitalio")
    m.Direction = types.SimpleNamespace(INPUT="input", OUTPUT="output")
    m.Pull = types.SimpleNamespace(UP="up", DOWN="down")
    m.DriveMode = types.SimpleNamespace(PUSH_PULL="push_pull", OPEN_DRAIN="open_drain")

    class DigitalInOut:
        def __init__(self, pin):
            self.pin = pin
            self.direction = m.Direction.INPUT
            self.pull = None
            self._value = False

        def switch_to_output(self, value=False, drive_mode=None):
            self.direction = m.Direction.OUTPUT
            self._value = value

        def switch_to_input(self, pull=None):
            self.direction = m.Direction.INPUT
            self.pull = pull

        @property
        def value(self):
            if self.direction == m.Direction.OUTPUT:
                return self._value
            held = hw.buttons.is_held(self.pin.name)
            # Buttons short the pin to ground: pulled up, it reads False while held.
            return not held if self.pull != m.Pull.DOWN else held

        @value.setter
        def value(self, v):
            self._value = bool(v)

        def deinit(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.deinit()

    m.DigitalInOut = DigitalInOut
    return m


# -- keypad --------------------------------------------------------------------
class Event:
    def __init__(self, key_number=0, pressed=True, timestamp=None):
        self.key_number = key_number
        self.pressed = pressed
        self.timestamp = timestamp

    @property
    def released(self):
        return not self.pressed

    def __eq__(self, other):
        return (isinstance(other, Event) and other.key_number == self.key_number
                and other.pressed == self.pressed)

    def __hash__(self):
        return hash((self.key_number, self.pressed))

    def __repr__(self):
        return "<Event: key_number %d %s>" % (self.key_number, "pressed" if self.pressed else "released")


class EventQueue:
    def __init__(self, max_events=64):
        self._events = []
        self.max_events = max_events
        self.overflowed = False

    def _put(self, key_number, pressed, timestamp):
        if len(self._events) >= self.max_events:
            self.overflowed = True
            return
        self._events.append((key_number, pressed, timestamp))

    def get(self):
        if not self._events:
            return None
        k, p, t = self._events.pop(0)
        return Event(k, p, t)

    def get_into(self, event):
        if not self._events:
            return False
        event.key_number, event.pressed, event.timestamp = self._events.pop(0)
        return True

    def clear(self):
        self._events = []
        self.overflowed = False

    def __len__(self):
        return len(self._events)

    def __bool__(self):
        return bool(self._events)


def make_keypad(hw):
    m = types.ModuleType("keypad")
    m.Event = Event
    m.EventQueue = EventQueue

    class Keys:
        def __init__(self, pins, *, value_when_pressed, pull=True, interval=0.02, max_events=64,
                     debounce_threshold=1):
            self.pins = tuple(pins)
            self.value_when_pressed = value_when_pressed
            self.key_count = len(self.pins)
            self.events = EventQueue(max_events)
            hw.buttons.attach(self)

        def reset(self):
            self.events.clear()

        def deinit(self):
            hw.buttons.detach(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.deinit()

    m.Keys = Keys
    m.KeyMatrix = None
    m.ShiftRegisterKeys = None
    return m


# -- pwmio (buzzer) ---------------------------------------------------------------
def make_pwmio(hw):
    m = types.ModuleType("pwmio")

    class PWMOut:
        def __init__(self, pin, *, duty_cycle=0, frequency=500, variable_frequency=False):
            self.pin = pin
            self._duty = duty_cycle
            self._freq = frequency
            self.variable_frequency = variable_frequency
            hw.buzzer_event(self._duty, self._freq)

        @property
        def duty_cycle(self):
            return self._duty

        @duty_cycle.setter
        def duty_cycle(self, v):
            if not 0 <= v <= 65535:
                raise ValueError("duty_cycle must be 0-65535")
            if (v > 0) != (self._duty > 0):
                hw.buzzer_event(v, self._freq)
            self._duty = v

        @property
        def frequency(self):
            return self._freq

        @frequency.setter
        def frequency(self, v):
            if not self.variable_frequency:
                raise ValueError("PWMOut was not created with variable_frequency=True")
            self._freq = v

        def deinit(self):
            if self._duty:
                hw.buzzer_event(0, self._freq)
            self._duty = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.deinit()

    m.PWMOut = PWMOut
    return m


# -- analogio (battery) ---------------------------------------------------------------
def make_analogio(hw):
    m = types.ModuleType("analogio")

    class AnalogIn:
        reference_voltage = 3.3

        def __init__(self, pin):
            self.pin = pin

        @property
        def value(self):
            # Boards measure the battery through a 1/2 divider (VOLTAGE_MONITOR).
            v = hw.battery_volts / 2 / self.reference_voltage
            return max(0, min(65535, int(v * 65535)))

        def deinit(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.deinit()

    m.AnalogIn = AnalogIn
    return m


# -- storage / supervisor / usb_cdc -------------------------------------------------------
def make_storage(hw):
    m = types.ModuleType("storage")

    def remount(mount_path, readonly=False, *, disable_concurrent_write_protection=False):
        hw.flash_readonly = bool(readonly)

    m.remount = remount
    m.disable_usb_drive = lambda: setattr(hw, "usb_drive", False)
    m.enable_usb_drive = lambda: setattr(hw, "usb_drive", True)
    m.getmount = lambda path: types.SimpleNamespace(readonly=hw.flash_readonly, label="CIRCUITPY")
    m.erase_filesystem = lambda: None
    return m


def make_supervisor(hw):
    m = types.ModuleType("supervisor")
    m.runtime = types.SimpleNamespace(autoreload=True, usb_connected=True, serial_connected=True,
                                      serial_bytes_available=0, run_reason=None)
    m.ticks_ms = hw.clock.ticks_ms
    m.reload = lambda: hw.log_console("supervisor.reload()\n")
    m.disable_autoreload = lambda: setattr(m.runtime, "autoreload", False)
    m.enable_autoreload = lambda: setattr(m.runtime, "autoreload", True)
    m.set_next_code_file = lambda *a, **k: None
    return m


class _Console:
    def __init__(self, hw):
        self._hw = hw
        self.connected = True
        self.timeout = 0
        self.in_waiting = 0

    def write(self, b):
        self._hw.log_console(bytes(b).decode("utf-8", "replace"))
        return len(b)

    def read(self, n=1):
        return None


def make_usb_cdc(hw):
    m = types.ModuleType("usb_cdc")
    m.console = _Console(hw)
    m.data = None

    def enable(*, console=True, data=False):
        hw.cdc_enabled = (console, data)

    m.enable = enable
    m.disable = lambda: enable(console=False, data=False)
    m.Serial = type(hw.data_stream)
    return m


def make_rtc(hw):
    import time as _t

    m = types.ModuleType("rtc")
    clock = hw.clock

    class RTC:
        @property
        def datetime(self):
            return _t.gmtime(getattr(clock, "epoch_s", 946_684_800) + clock.ns // 1_000_000_000)

        @datetime.setter
        def datetime(self, value):
            import calendar

            clock.epoch_s = calendar.timegm(tuple(value)[:6] + (0, 0, 0)) - clock.ns // 1_000_000_000

        calibration = 0

    m.RTC = RTC
    m.set_time_source = lambda source: None
    return m


MODULE_FACTORIES = {
    "rtc": make_rtc,
    "microcontroller": make_microcontroller,
    "board": make_board,
    "busio": make_busio,
    "digitalio": make_digitalio,
    "keypad": make_keypad,
    "pwmio": make_pwmio,
    "analogio": make_analogio,
    "storage": make_storage,
    "supervisor": make_supervisor,
    "usb_cdc": make_usb_cdc,
}
