"""Test doubles for the link: an in-memory session log, a pty-backed device
stream, an in-process fault-injecting relay, and synthetic session files.

Used by tests/host/test_link*/test_sync* and benchmarks/sync_*.py; no hardware.
"""

import fcntl
import os
import pathlib
import random
import struct
import sys
import termios
import threading
import time
import tty

from repcore import record
from repcore.crc16 import crc16
from repcore.events import Hop, Rep
from repclip.link.errors import BoardUnplugged


def firmware_lib():
    """Make firmware/lib importable (repclip_board lives there, not in the host package)."""
    lib = pathlib.Path(__file__).resolve().parents[3] / "firmware" / "lib"
    if lib.is_dir() and str(lib) not in sys.path:
        sys.path.insert(0, str(lib))
    return lib


class MemoryLog:
    """The SessionLog read/delete interface over dicts (what LinkServer needs)."""

    def __init__(self, sessions=None, open_ids=()):
        self.files = {}  # sid -> bytearray
        self.open_ids = set(open_ids)
        self.deleted = []
        for sid, data in (sessions or {}).items():
            self.files[sid] = bytearray(data)

    def session_ids(self):
        return sorted(self.files)

    def size(self, sid):
        return len(self.files[sid])

    def is_complete(self, sid):
        return sid not in self.open_ids

    def is_raw(self, sid):
        return False

    def read_into(self, sid, offset, buf):
        data = self.files[sid]
        n = min(len(buf), len(data) - offset)
        if n <= 0:
            return 0
        buf[:n] = data[offset:offset + n]
        return n

    def crc(self, sid):
        return crc16(self.files[sid])

    def delete(self, sid):
        del self.files[sid]
        self.deleted.append(sid)

    def free_bytes(self):
        return 1 << 20


def make_session(sid, device="RC-TEST", n_sets=2, reps=8, hops=0, pad=0, clock=1_760_000_000, seed=None):
    """A realistic session file: SESSION, sets of reps (and hops), SESSION_END; `pad` adds a NOTE of that size."""
    rng = random.Random(sid if seed is None else seed)
    out = [record.encode_json(record.SESSION, {"v": 1, "session": sid, "device": device, "fw": "0.1.0",
                                               "clock": clock + sid * 86400 if clock else 0, "board": "test"})]
    for s in range(1, n_sets + 1):
        out.append(record.encode_json(record.SET_START, {
            "set": s, "exercise": "goblet_squat" if not hops else "pogo_hops", "mode": "hops" if hops else "strength",
            "mount": "waist", "side": None, "tempo": "3-1-1", "load_kg": 16.0, "t_ms": s * 120000}))
        t = 0
        for i in range(1, reps + 1):
            ecc = 2_500_000 + rng.randrange(1_000_000)
            pause = 800_000 + rng.randrange(400_000)
            con = 900_000 + rng.randrange(300_000)
            rep = Rep(i, t, t + ecc, t + ecc + pause, t + ecc + pause + con, rom_cm=40 + rng.random() * 5,
                      mean_velocity_m_s=0.4, tempo_eccentric=0, tempo_pause=0, tempo_concentric=rng.choice((0, -1)))
            out.append(record.encode_rep(s, rep))
            t += ecc + pause + con + 500_000
        for i in range(1, hops + 1):
            to = i * 700_000
            out.append(record.encode_hop(s, Hop(i, to, to + 380_000, contact_ms=200 if i > 1 else None,
                                                peak_g=3.5, loading_rate_g_s=150.0, softness="soft")))
        out.append(record.encode_json(record.SET_END, {"set": s, "reps": reps, "hops": hops, "rpe": 7,
                                                       "discomfort": 1, "t_ms": s * 120000 + 60000}))
    while pad > 0:  # NOTE records of filler, each under the record size limit
        out.append(record.encode_json(record.NOTE, {"pad": "x" * min(pad, 4000)}))
        pad -= 4000
    out.append(record.encode_json(record.SESSION_END, {"sets": n_sets, "t_ms": 999000}))
    return b"".join(out)


class PtyStream:
    """Device end of a pty pair, with the usb_cdc.data interface LinkServer uses."""

    def __init__(self, fd, rate=None):
        self.fd = fd
        self.connected = True
        self.rate = rate  # bytes/s to pace writes at (a USB full-speed CDC link), None = as fast as the pty
        self._next = None

    @property
    def in_waiting(self):
        try:
            buf = fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0")
        except OSError:
            return 0
        return struct.unpack("i", buf)[0]

    def read(self, n):
        return os.read(self.fd, n)

    def write(self, data):
        if self.rate:
            now = time.perf_counter()
            if self._next is None or self._next < now:
                self._next = now
            self._next += len(data) / self.rate
            delay = self._next - now
            if delay > 0.0005:
                time.sleep(delay)
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        return len(data)


class PtyDevice:
    """A LinkServer served from a thread on the master side of a fresh pty; host opens `.port`."""

    def __init__(self, log, hello=None, on_plan=None, on_clock=None, chunk=1024):
        firmware_lib()
        from repclip_board.linkserver import LinkServer

        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.log = log
        self.plans = []
        self.clocks = []
        info = hello or {"device": "RC-TEST", "fw": "0.1.0", "clock": 0, "uptime_ms": 0, "free": 1 << 20,
                         "board": "test"}
        self.server = LinkServer(PtyStream(self.master), log, lambda: info,
                                 on_plan=on_plan or self.plans.append, on_clock=on_clock or self.clocks.append,
                                 chunk=chunk)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                if not self.server.poll():
                    time.sleep(0.0005)
            except OSError:
                return  # master closed ("unplugged")

    def unplug(self):
        """The port vanishes: stop serving and close both ends."""
        self._stop.set()
        self.thread.join(2)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self):
        self.unplug()


class FaultyRelay:
    """In-process transport host <-> LinkServer that drops, flips, truncates and disconnects.

    Synchronous and on a virtual clock (no sleeps): every read lets the
    device poll once, then returns its output with faults applied. Faults
    are drawn from a seeded Random so every run is reproducible.
    """

    def __init__(self, server_factory, rng, p_drop=0.01, p_flip=0.01, p_trunc=0.01, p_cut=0.002,
                 p_junk=0.005):
        self.rng = rng
        self.p_drop, self.p_flip, self.p_trunc, self.p_cut, self.p_junk = p_drop, p_flip, p_trunc, p_cut, p_junk
        self.to_device = bytearray()
        self.from_device = bytearray()
        self.stream = _RelayStream(self)
        self.server = server_factory(self.stream)
        self.now = 0.0
        self.cut = False
        self.faults = 0

    def clock(self):
        return self.now

    def _maybe_cut(self):
        if self.cut or self.rng.random() < self.p_cut:
            self.cut = True
            raise BoardUnplugged("relay: cable cut (fault injection)")

    def _mangle(self, data):
        rng = self.rng
        if not data:
            return data
        r = rng.random()
        if r < self.p_drop:
            self.faults += 1
            return b""
        data = bytearray(data)
        if rng.random() < self.p_flip:
            self.faults += 1
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        if rng.random() < self.p_trunc:
            self.faults += 1
            data = data[:rng.randrange(len(data))]
        if rng.random() < self.p_junk:
            self.faults += 1
            data[rng.randrange(len(data) + 1):0] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
        return bytes(data)

    def write(self, data):
        self._maybe_cut()
        self.to_device += self._mangle(data)

    def read(self, n=65536, timeout=0.5):
        self._maybe_cut()
        if not self.from_device:
            self.server.poll()
        if not self.from_device:
            self.now += timeout  # nothing came: the host's read times out
            return b""
        # Deliver in frame-ish pieces so a fault hits one frame, not a whole stream.
        take = min(n, len(self.from_device), self.rng.randrange(64, 2048))
        piece = bytes(self.from_device[:take])
        del self.from_device[:take]
        self.now += 0.001
        return self._mangle(piece)

    def close(self):
        pass


class _RelayStream:
    def __init__(self, relay):
        self.relay = relay

    @property
    def in_waiting(self):
        return len(self.relay.to_device)

    def read(self, n):
        buf = self.relay.to_device
        data = bytes(buf[:n])
        del buf[:n]
        return data

    def write(self, data):
        self.relay.from_device += data
        return len(data)


class GuardedLog(MemoryLog):
    """A device log that checks the one rule that matters: delete only what the host has committed."""

    def __init__(self, sessions, store, device="RC-TEST", **kw):
        super().__init__(sessions, **kw)
        self.store = store
        self.device = device
        self.early_deletes = []  # sessions freed while the store did not hold them (must stay empty)

    def delete(self, sid):
        if not self.store.has_session(self.device, sid, crc16(self.files[sid])):
            self.early_deletes.append(sid)
        super().delete(sid)


class FaultRun:
    """What one randomized scenario ended with."""

    def __init__(self, originals, stored_rows, left, attempts, retries, early_deletes=()):
        self.originals = originals
        self.early_deletes = list(early_deletes)
        self.stored = {}
        self.duplicated = []
        self.corrupted = []
        for sid, raw in stored_rows:
            if sid in self.stored:
                self.duplicated.append(sid)
            self.stored[sid] = raw
            if originals.get(sid) != raw:
                self.corrupted.append(sid)
        self.lost = sorted(set(originals) - set(self.stored))
        self.left_on_device = left
        self.attempts = attempts
        self.retries = retries


def run_until_synced(seed, store_path, max_attempts=300, faults=None):
    """One randomized scenario: sessions on a device, syncs over a faulty link until the device is empty.

    The device log asserts it frees a session only once the store holds it.
    """
    from repclip.link.client import LinkClient
    from repclip.link.errors import LinkError
    from repclip.link.sync import sync
    from repclip.store import Store

    firmware_lib()
    from repclip_board.linkserver import LinkServer

    def relay(log, rng, **faults):
        return FaultyRelay(lambda s: LinkServer(s, log, lambda: {"device": "RC-TEST", "fw": "0.1.0"},
                                                on_plan=lambda o: None, on_clock=lambda t: None,
                                                chunk=rng.choice((256, 1024, 2000))), rng, **faults)

    rng = random.Random(seed)
    originals = {sid: make_session(sid, n_sets=rng.randrange(1, 4), reps=rng.randrange(0, 12),
                                   hops=rng.randrange(0, 4), pad=rng.choice((0, 0, 3000, 30_000)))
                 for sid in rng.sample(range(1, 500), rng.randrange(1, 5))}
    faults = faults or dict(p_drop=rng.choice((0, 0.01, 0.03)), p_flip=rng.choice((0, 0.01, 0.03)),
                            p_trunc=rng.choice((0, 0.01, 0.03)), p_cut=rng.choice((0.001, 0.003, 0.01)),
                            p_junk=0.01)
    def crash_sometimes(sid):
        if rng.random() < 0.1:  # the host dies between commit and ACK
            raise BoardUnplugged("host crashed after committing session %d (fault injection)" % sid)

    with Store(store_path) as store:
        log = GuardedLog(originals, store)
        attempts = retries = 0
        while log.files and attempts < max_attempts:
            attempts += 1
            client = LinkClient(relay(log, rng, **faults), timeout=0.2, retries=12)
            try:
                sync(client, store, prescription={"day": attempts}, after_commit=crash_sometimes)
            except LinkError:
                pass
            retries += client.retry_count
        rows = [(s.session_id, store.raw(s.key)) for s in store.sessions()]
        return FaultRun(originals, rows, sorted(log.files), attempts, retries, log.early_deletes)


# LinkServer driver for a MicroPython VM (repclip.mpyrun): run(files, requests) -> (output, ids left, plans).
MPY_GUEST = r'''
import sys
from repcore.crc16 import crc16
from repclip_board.linkserver import LinkServer

class Log:
    def __init__(self, files):
        self.files = files
    def session_ids(self):
        return sorted(self.files)
    def size(self, sid):
        return len(self.files[sid])
    def is_complete(self, sid):
        return sid != 9
    def is_raw(self, sid):
        return False
    def read_into(self, sid, offset, buf):
        data = self.files[sid]
        n = min(len(buf), len(data) - offset)
        if n <= 0:
            return 0
        buf[:n] = data[offset:offset + n]
        return n
    def crc(self, sid):
        return crc16(self.files[sid])
    def delete(self, sid):
        del self.files[sid]

class Stream:
    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.out = bytearray()
    @property
    def in_waiting(self):
        return len(self.data) - self.pos
    def read(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk
    def write(self, b):
        self.out.extend(b)
        return len(b)

def run(files, requests):
    log = Log(files)
    stream = Stream(requests)
    plans = []
    server = LinkServer(stream, log, lambda: {"device": "RC-MPY", "fw": "0.1.0"},
                        on_plan=plans.append, on_clock=plans.append, chunk=300)
    while server.poll():
        pass
    return stream.out, sorted(log.files), plans
'''
