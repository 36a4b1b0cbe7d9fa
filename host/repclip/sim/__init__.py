"""The virtual board: firmware/code.py running unchanged on CPython with the real Adafruit libraries.

    from repclip.sim import simulate, serve_link
    result = simulate("tests/traces/squat.csv", "/tmp/flash", exercise="goblet_squat")
    result.session_ids, result.frames, result.events, result.buzzer, result.console

See docs/firmware.md, "Virtual board".
"""

from .clock import SimStop
from .api import SimResult, simulate, serve_link

__all__ = ["SimStop", "SimResult", "simulate", "serve_link"]
