"""settings.toml values, read once.

CircuitPython's os.getenv() re-reads settings.toml on every call (slow, and it
allocates), so the app reads every key once at start into a Settings object.
Values come back as str (quoted) or int (bare numbers); the helpers coerce and
raise SettingsError naming the key and the fix.
"""

import os


class SettingsError(ValueError):
    pass


DEFAULTS = {
    "REPCLIP_I2C": "STEMMA",
    "REPCLIP_BUTTONS": "A2,A3",
    "REPCLIP_BUZZER": "",
    "REPCLIP_BUZZER_DUTY": 16384,
    "REPCLIP_CUES": 1,
    "REPCLIP_BATTERY": "",
    "REPCLIP_BATTERY_LOW_MV": 3450,
    "REPCLIP_DISPLAY_ADDRESS": 0x3C,
    "REPCLIP_DISPLAY_HEIGHT": 64,
    "REPCLIP_IMU_ADDRESS": 0,
    "REPCLIP_DATA_DIR": "/repclip",
    "REPCLIP_MOUNT": "/",
    "REPCLIP_RESERVE_BYTES": 65536,
    "REPCLIP_EXERCISES": "goblet_squat,split_squat,step_up,pogo_hops",
    "REPCLIP_EXERCISE": "",
    "REPCLIP_HOP_EXERCISES": "pogo_hops,hops,box_jump,jump",
    "REPCLIP_MODE": "",
    "REPCLIP_MOUNT_POINT": "waist",
    "REPCLIP_SIDE": "",
    "REPCLIP_TEMPO": "3-1-1",
    "REPCLIP_LOAD_KG": "",
    "REPCLIP_ODR_STRENGTH": 208,
    "REPCLIP_ODR_HOPS": 416,
    "REPCLIP_ACCEL_G_STRENGTH": 4,
    "REPCLIP_ACCEL_G_HOPS": 16,
    "REPCLIP_GYRO_DPS": 1000,
    "REPCLIP_RAW": 0,
    "REPCLIP_DEVICE": "",
}


class Settings:
    """A frozen copy of the REPCLIP_* keys: `s.text(key)`, `s.integer(key)`, `s.names(key)`."""

    def __init__(self, values=None, getenv=None):
        if values is None:
            values = {}
            getenv = getenv or os.getenv
            for key in DEFAULTS:
                v = getenv(key)
                if v is not None:
                    values[key] = v
        self.values = {}
        for key in DEFAULTS:
            self.values[key] = values.get(key, DEFAULTS[key])

    def text(self, key):
        v = self.values.get(key, DEFAULTS.get(key))
        return "" if v is None else str(v).strip()

    def integer(self, key):
        v = self.values.get(key, DEFAULTS.get(key))
        if isinstance(v, int):
            return v
        s = str(v).strip()
        try:
            return int(s, 0) if s else int(DEFAULTS[key])
        except ValueError:
            raise SettingsError("settings.toml: %s = %r is not a whole number; write e.g. %s = %r"
                                % (key, v, key, DEFAULTS[key]))

    def float_or_none(self, key):
        s = self.text(key)
        if not s:
            return None
        try:
            return float(s)
        except ValueError:
            raise SettingsError("settings.toml: %s = %r is not a number (use e.g. \"16\" or \"\")" % (key, s))

    def names(self, key):
        out = []
        for part in self.text(key).split(","):
            part = part.strip()
            if part:
                out.append(part)
        return out

    def flag(self, key):
        return self.integer(key) != 0
