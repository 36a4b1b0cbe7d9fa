"""repcore: the RepClip engine.

Pure Python that runs unchanged on CircuitPython, MicroPython and CPython:
no hardware, no host imports, integer time, streaming memory.

    from repcore.engine import Engine
    eng = Engine(mode="strength", mount="waist", tempo="3-1-1")
    for t_us, ax, ay, az, gx, gy, gz in samples:
        event = eng.feed(t_us, ax, ay, az, gx, gy, gz)
        if event is not None:
            ...   # a repcore.events.Rep or repcore.events.Hop

The wire codecs shared by device and host (crc16, frame, record, protocol)
live here too, because both sides must agree on every byte.
"""

__version__ = "0.1.0"

# Modes and mounts are settings, chosen by the athlete on the device.
MODE_STRENGTH = "strength"
MODE_HOPS = "hops"
MODES = (MODE_STRENGTH, MODE_HOPS)

MOUNT_WAIST = "waist"
MOUNT_THIGH = "thigh"
MOUNT_IMPLEMENT = "implement"
MOUNTS = (MOUNT_WAIST, MOUNT_THIGH, MOUNT_IMPLEMENT)
