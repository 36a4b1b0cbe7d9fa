"""Small shims so the same source runs on CircuitPython, MicroPython and CPython."""

try:
    from micropython import const  # noqa: F401  (board: constants live in flash)
except ImportError:  # CPython

    def const(value):
        return value
