"""Hypothesis: whatever arrives on the data channel, LinkServer answers with valid frames and never raises.

The board must survive a confused host, line noise and half frames: poll()
may only ever write well-formed frames, and never deletes a session on
anything but an exact ACK.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repcore import protocol as P
from repcore.crc16 import crc16
from repcore.frame import FrameReader, encode_frame
from repclip.link.testing import MemoryLog, firmware_lib

firmware_lib()
from repclip_board.linkserver import LinkServer  # noqa: E402

FILES = {1: bytes(range(256)) * 3, 2: b"\xc5" * 50, 5: b""}

requests = st.one_of(
    st.tuples(st.sampled_from([P.HELLO, P.LIST, P.READ, P.ACK, P.PLAN, P.CLOCK, 0x00, 0x07, 0x81, 0x83, 0xFF]),
              st.integers(0, 255), st.binary(max_size=40)).map(lambda t: encode_frame(*t)),
    st.tuples(st.integers(0, 6), st.integers(0, 1000), st.integers(0, 1000)).map(
        lambda t: encode_frame(P.READ, 9, P.pack_read(*t))),
    st.tuples(st.integers(0, 6), st.integers(0, 1000), st.integers(0, 0xFFFF)).map(
        lambda t: encode_frame(P.ACK, 9, P.pack_ack(*t))),
    st.sampled_from(sorted(encode_frame(P.ACK, 3, P.pack_ack(sid, len(d), crc16(d))) for sid, d in FILES.items())),
    st.binary(max_size=30),
)


class Stream:
    def __init__(self, data, step):
        self.data = data
        self.step = step
        self.out = bytearray()

    @property
    def in_waiting(self):
        return min(len(self.data), self.step)

    def read(self, n):
        chunk, self.data = self.data[:n], self.data[n:]
        return chunk

    def write(self, b):
        self.out += bytes(b)
        return len(b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(requests, max_size=12), st.integers(1, 64))
def test_any_input_gives_only_valid_frames_and_deletes_only_on_an_exact_ack(reqs, step):
    log = MemoryLog(dict(FILES))
    stream = Stream(b"".join(reqs), step)
    plans = []
    srv = LinkServer(stream, log, lambda: {"device": "F"}, on_plan=plans.append, on_clock=plans.append, chunk=100)
    for _ in range(10_000):
        if not srv.poll() and not stream.data:
            break
    reader = FrameReader()
    reader.feed(bytes(stream.out))
    n = 0
    while reader.next_frame() is not None:
        n += 1
    assert reader.pending() == 0 and reader.dropped_bytes == 0 and reader.bad_frames == 0
    assert not srv.busy()
    acked = {bytes(r[7:-2]) for r in reqs if len(r) >= 9 and r[:2] == b"\xa5\x5a" and r[3] == P.ACK}
    for sid in log.deleted:
        assert P.pack_ack(sid, len(FILES[sid]), crc16(FILES[sid])) in acked
    for sid in FILES:
        if sid not in log.deleted:
            assert log.files[sid] == FILES[sid]
