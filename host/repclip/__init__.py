"""RepClip host tool: sync, store, plan merge, reports and the virtual board.

The engine itself lives in ``repcore`` (firmware/lib/repcore), installed from
the firmware tree so the laptop and the board run the same code.
"""

__version__ = "0.1.0"
