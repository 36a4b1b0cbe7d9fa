"""RepClip board glue (CircuitPython): IMU FIFO, screens, buttons, buzzer, session log, app.

Everything that touches hardware lives here; the detection engine is repcore.
"""

FIRMWARE_VERSION = "0.1.0"
