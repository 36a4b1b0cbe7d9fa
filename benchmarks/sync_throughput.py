"""Link throughput on a pseudo-terminal pair: raw bytes vs. session payload through the protocol.

The device side runs in a forked process (as the board, or the virtual board,
is another process), the host side is the real SerialTransport + LinkClient.

raw:      the device process writes the bytes into the pty master in writes of
          one DATA frame's size; the host reads them through SerialTransport.
payload:  the device process runs LinkServer on an in-memory session of the
          same size; the host pulls it with LinkClient.read_session.
sync:     the whole `sync` (hello, clock, list, read, parse, SQLite commit, ack).
Prints MB/s for each and payload/raw (target >= 80 %), twice:

  unpaced:  the pty as fast as it goes (hundreds of MB/s). Here the per-frame
            CRC and copies on both ends cost more than the pipe, so the ratio
            measures CPython frame handling, not the link.
  paced:    both device writers paced at USB full-speed CDC rate (1 MB/s,
            more than CircuitPython reaches); the ratio is the protocol's
            efficiency on a board-like link (framing, offsets, READ round trips).

    python benchmarks/sync_throughput.py [MB] [CHUNK] [PACED_MB]
"""

import os
import signal
import sys
import tempfile
import time
import tty

from repcore import protocol as P
from repcore.frame import OVERHEAD
from repclip.link.client import LinkClient
from repclip.link.sync import sync
from repclip.link.testing import MemoryLog, PtyStream, firmware_lib, make_session
from repclip.link.transport import SerialTransport
from repclip.store import Store


def _device(child):
    """Fork `child(master_fd)` on a fresh raw pty; returns (pid, host port, fds)."""
    master, slave = os.openpty()
    tty.setraw(slave)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            child(master)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid, os.ttyname(slave), (master, slave)


def _stop(pid, fds):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    for fd in fds:
        os.close(fd)


def raw_rate(total, write_size, rate=None):
    def pump(master):
        stream = PtyStream(master, rate)
        block = bytes(write_size)
        sent = 0
        while sent < total:
            stream.write(block)
            sent += write_size
        time.sleep(60)

    pid, port, fds = _device(pump)
    transport = SerialTransport(port)
    got = 0
    t0 = time.perf_counter()
    while got < total:
        data = transport.read(65536, 5.0)
        if not data:
            raise SystemExit("raw pump stopped after %d of %d bytes" % (got, total))
        got += len(data)
    dt = time.perf_counter() - t0
    transport.close()
    _stop(pid, fds)
    return got / dt


def _serve(raw, chunk, rate=None):
    def run(master):
        firmware_lib()
        from repclip_board.linkserver import LinkServer

        srv = LinkServer(PtyStream(master, rate), MemoryLog({1: raw}), lambda: {"device": "RC-BENCH", "fw": "0"},
                         on_clock=lambda t: None, chunk=chunk)
        while True:
            if not srv.poll():
                time.sleep(0.0002)

    return _device(run)


def payload_rate(raw, chunk, rate=None):
    pid, port, fds = _serve(raw, chunk, rate)
    transport = SerialTransport(port)
    client = LinkClient(transport)
    t0 = time.perf_counter()
    client.read_session(1, 0, len(raw), lambda off, data: None)
    dt = time.perf_counter() - t0
    transport.close()
    _stop(pid, fds)
    return len(raw) / dt, client.retry_count


def sync_rate(raw, chunk, rate=None):
    pid, port, fds = _serve(raw, chunk, rate)
    transport = SerialTransport(port)
    with tempfile.TemporaryDirectory() as tmp, Store(os.path.join(tmp, "t.db")) as store:
        t0 = time.perf_counter()
        report = sync(LinkClient(transport), store)
        dt = time.perf_counter() - t0
        assert report.ok and report.pulled and store.raw(report.pulled[0][1]) == raw
    transport.close()
    _stop(pid, fds)
    return len(raw) / dt


def measure(raw, chunk, rate, repeats):
    frame = chunk + P.DATA_HEAD_LEN + OVERHEAD
    r = max(raw_rate(len(raw), frame, rate) for _ in range(repeats))
    pays = [payload_rate(raw, chunk, rate) for _ in range(repeats)]
    p = max(x for x, _ in pays)
    s = max(sync_rate(raw, chunk, rate) for _ in range(repeats))
    label = "paced at %.1f MB/s" % (rate / 1e6) if rate else "unpaced pty"
    print("%s, session %d bytes, DATA chunk %d bytes (%d-byte frames), best of %d"
          % (label, len(raw), chunk, frame, repeats))
    print("  raw byte rate           %8.2f MB/s" % (r / 1e6))
    print("  READ payload rate       %8.2f MB/s = %3.0f %% of raw  (retries %d)"
          % (p / 1e6, 100 * p / r, sum(n for _, n in pays)))
    print("  whole sync into SQLite  %8.2f MB/s = %3.0f %% of raw" % (s / 1e6, 100 * s / r))
    print("  frame overhead bound               %3.0f %%" % (100.0 * chunk / frame))


def main(mb=4.0, chunk=1024, paced_mb=1.0):
    measure(make_session(1, pad=int(mb * 1_000_000)), chunk, None, 3)
    paced = paced_mb * 1e6
    measure(make_session(1, pad=int(paced * 2)), chunk, paced, 1)  # ~2 s per measurement


if __name__ == "__main__":
    args = sys.argv[1:]
    main(float(args[0]) if args else 4.0, int(args[1]) if len(args) > 1 else 1024,
         float(args[2]) if len(args) > 2 else 1.0)
