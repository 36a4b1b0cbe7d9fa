"""Link throughput on a pseudo-terminal pair: raw bytes vs. session payload through the protocol.

The device side runs in a forked process (as the board, or the virtual board,
is another process), the host side is the real SerialTransport + LinkClient.

raw:      the device process writes the bytes into the pty master in writes of
          one DATA frame's size; the host reads them through SerialTransport.
payload:  the device process runs LinkServer on an in-memory session of the
          same size; the host pulls it with LinkClient.read_session.
sync:     the whole `sync` (hello, clock, list, read, parse, SQLite commit, ack).
Prints MB/s for each and payload/raw (target >= 80 %).

    python benchmarks/sync_throughput.py [MB] [CHUNK]
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
        try:
            child(master)
        finally:
            os._exit(0)
    return pid, os.ttyname(slave), (master, slave)


def _stop(pid, fds):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    for fd in fds:
        os.close(fd)


def raw_rate(total, write_size):
    def pump(master):
        stream = PtyStream(master)
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
        got += len(transport.read(65536, 2.0))
    dt = time.perf_counter() - t0
    transport.close()
    _stop(pid, fds)
    return got / dt


def _serve(raw, chunk):
    def run(master):
        firmware_lib()
        from repclip_board.linkserver import LinkServer

        srv = LinkServer(PtyStream(master), MemoryLog({1: raw}), lambda: {"device": "RC-BENCH", "fw": "0"},
                         on_clock=lambda t: None, chunk=chunk)
        while True:
            if not srv.poll():
                time.sleep(0.0002)

    return _device(run)


def payload_rate(raw, chunk):
    pid, port, fds = _serve(raw, chunk)
    transport = SerialTransport(port)
    client = LinkClient(transport)
    t0 = time.perf_counter()
    client.read_session(1, 0, len(raw), lambda off, data: None)
    dt = time.perf_counter() - t0
    transport.close()
    _stop(pid, fds)
    return len(raw) / dt, client.retry_count


def sync_rate(raw, chunk):
    pid, port, fds = _serve(raw, chunk)
    transport = SerialTransport(port)
    with tempfile.TemporaryDirectory() as tmp, Store(os.path.join(tmp, "t.db")) as store:
        t0 = time.perf_counter()
        report = sync(LinkClient(transport), store)
        dt = time.perf_counter() - t0
        assert report.ok and report.pulled and store.raw(report.pulled[0][1]) == raw
    transport.close()
    _stop(pid, fds)
    return len(raw) / dt


def main(mb=4.0, chunk=1024, repeats=3):
    raw = make_session(1, pad=int(mb * 1_000_000))
    frame = chunk + P.DATA_HEAD_LEN + OVERHEAD
    raws = [raw_rate(len(raw), frame) for _ in range(repeats)]
    pays = [payload_rate(raw, chunk) for _ in range(repeats)]
    syncs = [sync_rate(raw, chunk) for _ in range(repeats)]
    r, p, s = max(raws), max(p for p, _ in pays), max(syncs)
    print("session %d bytes, DATA chunk %d bytes (%d-byte frames), best of %d" % (len(raw), chunk, frame, repeats))
    print("raw pty byte rate       %7.1f MB/s" % (r / 1e6))
    print("READ payload rate       %7.1f MB/s  = %3.0f %% of raw  (retries %d)"
          % (p / 1e6, 100 * p / r, sum(n for _, n in pays)))
    print("whole sync into SQLite  %7.1f MB/s  = %3.0f %% of raw" % (s / 1e6, 100 * s / r))
    print("frame overhead bound    %7.0f %%" % (100.0 * chunk / frame))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(float(args[0]) if args else 4.0, int(args[1]) if len(args) > 1 else 1024)
