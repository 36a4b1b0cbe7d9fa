"""settings.toml for the virtual board: CircuitPython's os.getenv() semantics plus overrides.

CircuitPython reads settings.toml lazily on every os.getenv(); quoted values
come back as str, bare integers as int. Overrides (from tests or `repclip sim`)
win over the file; `repclip_x=1` and `REPCLIP_X=1` name the same key.
"""

import os
import pathlib

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


class SettingsError(ValueError):
    pass


def settings_key(name):
    name = str(name)
    return name if name.isupper() else ("REPCLIP_" + name.upper() if not name.upper().startswith("REPCLIP_")
                                        else name.upper())


def load_settings(path, overrides=None):
    values = {}
    path = pathlib.Path(path)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError("%s: not valid TOML (%s); CircuitPython would ignore it" % (path, exc)) from None
        for k, v in data.items():
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                values[k] = v
    for k, v in (overrides or {}).items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = int(v)
        if not isinstance(v, (str, int)):
            v = str(v)
        values[settings_key(k)] = v
    return values


def make_getenv(values, real_getenv=os.getenv):
    def getenv(key, default=None):
        if key in values:
            return values[key]
        if key.startswith(("REPCLIP_", "CIRCUITPY_")):
            return default  # the board has no host environment
        return real_getenv(key, default)

    return getenv
