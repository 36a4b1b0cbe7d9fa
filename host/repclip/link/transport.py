"""Serial transport for the link, modelled on mpremote's SerialTransport.

Opens the port exclusively (another program holding it is reported as "port
busy", not as a hang), reads with a per-read timeout, and turns the OS errors a
vanished USB device produces mid-transfer into BoardUnplugged.
"""

import errno
import os
import select
import time

import serial

from repclip.link.errors import BoardUnplugged, PortBusy

_BUSY_ERRNOS = {errno.EBUSY, errno.EAGAIN, errno.EACCES}
_GONE_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO}


def _errno_of(exc):
    if getattr(exc, "errno", None):
        return exc.errno
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, OSError) and arg.errno:
            return arg.errno
    text = str(exc)
    if "Errno 11" in text or "Resource temporarily unavailable" in text or "exclusively lock" in text:
        return errno.EAGAIN
    if "Errno 16" in text:
        return errno.EBUSY
    return None


class SerialTransport:
    """read(n, timeout) -> bytes (b"" on timeout), write(bytes), close(). USB CDC ignores the baud rate."""

    def __init__(self, port, baudrate=115200, write_timeout=5.0):
        self.port = port
        if not os.path.exists(port) and not port.upper().startswith("COM"):
            raise BoardUnplugged("port %s does not exist: is the board plugged in? (`repclip devices` lists boards)"
                                 % port)
        kwargs = {}
        if os.name == "posix":
            kwargs["exclusive"] = True  # flock: a second opener gets "busy", not interleaved bytes
        try:
            self.serial = serial.Serial(port, baudrate, timeout=0.1, write_timeout=write_timeout, **kwargs)
        except (serial.SerialException, OSError) as e:
            code = _errno_of(e)
            if code in _BUSY_ERRNOS:
                raise PortBusy("port %s is busy: another program (a serial monitor, an editor, another "
                               "`repclip sync`) has it open; close it and retry" % port) from None
            if code in _GONE_ERRNOS:
                raise BoardUnplugged("port %s is gone: the board was unplugged or reset" % port) from None
            raise BoardUnplugged("cannot open %s: %s" % (port, e)) from None
        self.bytes_in = 0
        self.bytes_out = 0
        fd = getattr(self.serial, "fd", None)
        self._fd = fd if isinstance(fd, int) and os.name == "posix" else None

    def read(self, n=65536, timeout=0.5):
        """Up to n bytes; waits at most `timeout` s for the first byte, then takes what is buffered."""
        try:
            if self._fd is not None:
                # POSIX fast path: one select + one read per call, on the fd pyserial opened and
                # configured (pyserial's read(1) + in_waiting + read(rest) costs three wake-ups).
                ready, _, _ = select.select([self._fd], [], [], timeout)
                if not ready:
                    return b""
                data = os.read(self._fd, n)
                if not data:
                    raise OSError(errno.EIO, "the port reports data but returns none (device disconnected)")
            else:
                ser = self.serial
                if ser.timeout != timeout:
                    ser.timeout = timeout  # pyserial reconfigures the port on every set: only when it changes
                data = ser.read(1)
                if data:
                    waiting = ser.in_waiting
                    if waiting:
                        data += ser.read(min(waiting, n - 1))
        except (serial.SerialException, OSError, TypeError, ValueError) as e:
            # TypeError/ValueError: pyserial or select on a closed fd after a concurrent close.
            raise BoardUnplugged("lost %s mid-transfer (%s): the board was unplugged or reset; "
                                 "plug it back in and sync again to resume" % (self.port, e)) from None
        self.bytes_in += len(data)
        return data

    def write(self, data):
        try:
            self.serial.write(data)
        except serial.SerialTimeoutException:
            raise BoardUnplugged("writing to %s timed out: the board is not reading its data channel "
                                 "(is the RepClip app running and idle?)" % self.port) from None
        except (serial.SerialException, OSError) as e:
            raise BoardUnplugged("lost %s while writing (%s): the board was unplugged or reset" % (self.port, e)) \
                from None
        self.bytes_out += len(data)

    def clock(self):
        return time.monotonic()

    def close(self):
        try:
            self.serial.close()
        except (serial.SerialException, OSError):
            pass
