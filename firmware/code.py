"""RepClip main program: settings -> hardware -> App().run() (loops forever).

Everything lives in lib/repclip_board (the app) and lib/repcore (the engine);
see docs/firmware.md.
"""

import time

import supervisor

supervisor.runtime.autoreload = False  # a host write to CIRCUITPY must not restart a set

from repclip_board.app import App  # noqa: E402
from repclip_board.hardware import build  # noqa: E402
from repclip_board.settings import Settings, SettingsError  # noqa: E402

settings = Settings()
try:
    hardware = build(settings)
except SettingsError as e:
    print(e)  # also on the OLED (SETTINGS ERROR); it stays there until settings.toml is fixed
    while True:
        time.sleep(1)
App(settings, **hardware).run()
