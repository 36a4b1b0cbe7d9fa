"""Guest-side driver for repclip.mpyrun: runs under MicroPython AND CPython.

The same file drives an engine in both interpreters so their outputs can be
compared line by line. It reads samples from a binary file of SAMPLE_FMT
records (little-endian u32 t_us + six doubles): binary, because MicroPython's
decimal float parser is not correctly rounded, so CSV text could give the two
interpreters different inputs. Floats go out as the hex of their IEEE-754
bytes for the same reason on the way out (float repr differs too).

Output, one line each:
    E <json>        an event: [kind, sorted [key, value] pairs of its attributes,
                    sorted pairs of to_dict()] (MicroPython dicts are unordered)
    H <n> <bytes>   gc.mem_alloc() after gc.collect() once n samples were fed
    D <n>           done after n samples

Keep this file to the MicroPython subset: no f-strings, no dict ordering,
nothing CPython-only at import time.
"""

import json
import struct

SAMPLE_FMT = "<I6d"
SAMPLE_LEN = 52
CHUNK_SAMPLES = 64


def _hex(b):
    return "".join(["%02x" % x for x in b])


def canon(value):
    """Interpreter-independent JSON-able form: exact floats, sorted dicts."""
    if isinstance(value, float):
        return "f:" + _hex(struct.pack("<d", value))
    if isinstance(value, dict):
        keys = sorted(value.keys())
        return [[k, canon(value[k])] for k in keys]
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    return value


def _attrs(event):
    d = getattr(event, "__dict__", None)
    return dict(d) if d is not None else {}


def event_line(event):
    kind = getattr(event, "kind", type(event).__name__)
    todict = event.to_dict() if hasattr(event, "to_dict") else {}
    return "E " + json.dumps([kind, canon(_attrs(event)), canon(todict)])


def _load(spec):
    mod_name, cls_name = spec.split(":")
    mod = __import__(mod_name)
    for part in mod_name.split(".")[1:]:
        mod = getattr(mod, part)
    return getattr(mod, cls_name)


class Driver:
    """Feeds up to `limit` samples from `path` to spec's engine, one chunk per step().

    The caller loops `while d.step(): ...` at module level and collects
    garbage there (see repclip.mpyrun: the WASI VM's GC must not run while
    Python functions are active). feed=False decodes samples without calling
    the engine, to measure what the loader itself costs.
    """

    def __init__(self, path, spec, kwargs, limit, feed=True, out=print):
        self.engine = _load(spec)(**kwargs)
        self.limit = limit
        self.feed = feed
        self.out = out
        self.n = 0
        self.buf = bytearray(CHUNK_SAMPLES * SAMPLE_LEN)
        self.f = open(path, "rb")

    def step(self):
        """Feed one chunk; False once every sample is in (then the D line is out)."""
        n = self.n
        limit = self.limit
        got = self.f.readinto(self.buf) if n < limit else 0
        if not got:
            self._finish()
            return False
        buf = self.buf
        unpack = struct.unpack_from
        feed = self.engine.feed if self.feed else None
        out = self.out
        off = 0
        while off < got and n < limit:
            t, ax, ay, az, gx, gy, gz = unpack(SAMPLE_FMT, buf, off)
            off += SAMPLE_LEN
            n += 1
            if feed is not None:
                ev = feed(t, ax, ay, az, gx, gy, gz)
                if ev is not None:
                    out(event_line(ev))
        self.n = n
        return True

    def heap(self, alloc):
        self.out("H %d %d" % (self.n, alloc))

    def _finish(self):
        self.f.close()
        finish = getattr(self.engine, "finish", None)
        if self.feed and finish is not None:
            # one event per call, until None (as the board's app does at "set done")
            for _ in range(64):
                tail = finish()
                if tail is None:
                    break
                for ev in (tail if isinstance(tail, (list, tuple)) else (tail,)):
                    self.out(event_line(ev))
        self.out("D %d" % self.n)


def run_all(path, spec, kwargs, limit, feed=True, out=print):
    """The whole run in one call (CPython, where GC timing is safe)."""
    d = Driver(path, spec, kwargs, limit, feed, out)
    while d.step():
        pass
