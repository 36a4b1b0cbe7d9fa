"""usb_cdc.data stand-ins: an in-process pipe (tests) and a pseudo-terminal (real host tools).

Both offer what CircuitPython's usb_cdc.Serial offers and the firmware uses:
read(n), readinto(buf), write(b), in_waiting, timeout, connected, reset_input_buffer().
"""

import collections
import fcntl
import os
import struct
import termios
import threading
import tty


class PipeSerial:
    """Device end of an in-process byte pipe; `.host` is the other end (same interface)."""

    def __init__(self, _peer=None):
        self._in = collections.deque() if _peer is None else _peer._out
        self._out = collections.deque() if _peer is None else _peer._in
        self._lock = threading.Lock() if _peer is None else _peer._lock
        self.timeout = 1.0
        self.write_timeout = None
        self.connected = True
        self.host = PipeSerial(self) if _peer is None else _peer

    @property
    def in_waiting(self):
        with self._lock:
            return len(self._in)

    def read(self, n=1):
        with self._lock:
            k = min(n, len(self._in))
            return bytes(self._in.popleft() for _ in range(k)) if k else None

    def readinto(self, buf):
        data = self.read(len(buf))
        if not data:
            return None
        buf[: len(data)] = data
        return len(data)

    def write(self, data):
        with self._lock:
            self._out.extend(bytes(data))
        return len(data)

    def reset_input_buffer(self):
        with self._lock:
            self._in.clear()

    def reset_output_buffer(self):
        pass

    def flush(self):
        pass


class PtySerial:
    """Device end of a pty: the host opens `.port` with pyserial (`repclip sync --port PATH`)."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        tty.setraw(self.master)
        self.port = os.ttyname(self.slave)
        self.timeout = 1.0
        self.write_timeout = None
        self.connected = True

    @property
    def in_waiting(self):
        try:
            buf = fcntl.ioctl(self.master, termios.FIONREAD, b"\0\0\0\0")
        except OSError:
            return 0
        return struct.unpack("i", buf)[0]

    def read(self, n=1):
        if not self.in_waiting:
            return None
        return os.read(self.master, n)

    def readinto(self, buf):
        data = self.read(len(buf))
        if not data:
            return None
        buf[: len(data)] = data
        return len(data)

    def write(self, data):
        view = memoryview(bytes(data))
        while view:
            n = os.write(self.master, view)
            view = view[n:]
        return len(data)

    def reset_input_buffer(self):
        while self.in_waiting:
            os.read(self.master, self.in_waiting)

    def reset_output_buffer(self):
        pass

    def flush(self):
        pass

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
