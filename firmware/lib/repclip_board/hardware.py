"""Build the hardware objects from settings: I2C, OLED, IMU, buttons, buzzer, battery, log, data port.

Every piece that can be missing on a given board (buzzer, battery pin, the
IMU, even the display) degrades to "absent" with a clear console message
instead of stopping the firmware: an athlete with a loose IMU cable can still
sync the sessions already on the flash.
"""

import board

from repclip_board.buttons import Buttons
from repclip_board.buzzer import Buzzer
from repclip_board.imu import Imu, ImuError
from repclip_board.screens import Screens
from repclip_board.sessionlog import SessionLog
from repclip_board.settings import SettingsError


def pin(name, key):
    try:
        return getattr(board, name)
    except AttributeError:
        raise SettingsError("settings.toml: %s names pin %r, which this board (%s) does not have"
                            % (key, name, getattr(board, "board_id", "?")))


def make_i2c(spec):
    spec = (spec or "STEMMA").strip()
    if spec.upper() == "STEMMA":
        return board.STEMMA_I2C() if hasattr(board, "STEMMA_I2C") else board.I2C()
    if spec.upper() == "I2C":
        return board.I2C()
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) != 2:
        raise SettingsError('settings.toml: REPCLIP_I2C = %r; use "STEMMA", "I2C" or "SCL,SDA" pin names' % spec)
    import busio

    return busio.I2C(pin(parts[0], "REPCLIP_I2C"), pin(parts[1], "REPCLIP_I2C"), frequency=400000)


class Battery:
    """Battery voltage through a 1/2 divider on an analog pin."""

    def __init__(self, analog):
        self.analog = analog

    def millivolts(self):
        ref = getattr(self.analog, "reference_voltage", 3.3)
        return int(self.analog.value * ref * 2 * 1000 / 65535)


def device_id(settings):
    name = settings.text("REPCLIP_DEVICE")
    if name:
        return name
    try:
        import microcontroller

        return "RC-" + "".join("%02X" % b for b in microcontroller.cpu.uid)
    except (ImportError, AttributeError):
        return "RC-UNKNOWN"


def build(settings):
    """Keyword arguments for App(settings, **build(settings))."""
    hw = {"device_id": device_id(settings), "board_name": getattr(board, "board_id", "unknown")}
    i2c = None
    imu = None
    imu_error = None
    try:
        i2c = make_i2c(settings.text("REPCLIP_I2C"))
    except (RuntimeError, ValueError) as e:  # e.g. "No pull up found on SDA or SCL"
        imu_error = "I2C bus failed: %s. Check the STEMMA QT cable." % e
        print(imu_error)
    height = settings.integer("REPCLIP_DISPLAY_HEIGHT")
    screens = None
    if i2c is not None:
        try:
            screens = Screens.from_i2c(i2c, height, settings.integer("REPCLIP_DISPLAY_ADDRESS"))
        except (ValueError, RuntimeError, OSError) as e:
            print("display not found: %s (the app runs without it)" % e)
        try:
            imu = Imu(i2c, settings.integer("REPCLIP_IMU_ADDRESS"))
            print("IMU %s at 0x%02X" % (imu.name, imu.address))
        except ImuError as e:
            imu_error = str(e)
            print(imu_error)
    hw["screens"] = screens = screens or Screens(None, height)
    hw["imu"] = imu
    hw["imu_error"] = imu_error
    try:
        _build_io(settings, hw)
    except SettingsError as e:
        # Say it on the glass too: the athlete may have no serial console open.
        screens.message("SETTINGS ERROR", str(e).replace("settings.toml: ", ""), footer="fix settings.toml")
        raise
    return hw


def _build_io(settings, hw):
    key = "REPCLIP_BUTTONS"
    hw["buttons"] = Buttons.from_pins([pin(n, key) for n in settings.names(key)])
    buzzer_pin = settings.text("REPCLIP_BUZZER")
    hw["buzzer"] = (Buzzer.from_pin(pin(buzzer_pin, "REPCLIP_BUZZER"), settings.integer("REPCLIP_BUZZER_DUTY"))
                    if buzzer_pin else Buzzer(None))
    battery_pin = settings.text("REPCLIP_BATTERY")
    if battery_pin:
        import analogio

        hw["battery"] = Battery(analogio.AnalogIn(pin(battery_pin, "REPCLIP_BATTERY")))
    hw["log"] = SessionLog(settings.text("REPCLIP_DATA_DIR") or "/repclip", settings.integer("REPCLIP_RESERVE_BYTES"))
    try:
        import usb_cdc

        stream = usb_cdc.data
    except ImportError:
        stream = None
    if stream is not None:
        stream.timeout = 0  # never block the loop waiting for the host
    else:
        print("usb_cdc.data is off (boot.py enables it); syncing is unavailable")
    hw["stream"] = stream
    hw["writable"] = flash_writable(settings.text("REPCLIP_MOUNT") or "/")


def flash_writable(mount):
    """False when boot.py left the drive to the computer (button A held at boot)."""
    try:
        import storage

        return not storage.getmount(mount).readonly
    except (ImportError, AttributeError, OSError, ValueError):
        return True  # no way to tell: try, and report a write error if it comes
