"""The host's in-place frame reader gives exactly what repcore's FrameReader gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from repcore.frame import FrameReader, encode_frame
from repclip.link.framing import HostFrameReader


def _run(reader, stream, step):
    out = []
    for i in range(0, len(stream), step):
        reader.feed(stream[i:i + step])
        while True:
            f = reader.next_frame()
            if f is None:
                break
            out.append(f)
    return out


pieces = st.lists(st.one_of(
    st.tuples(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=200)).map(lambda t: encode_frame(*t)),
    st.binary(max_size=30),
    st.tuples(st.integers(0, 255), st.binary(min_size=1, max_size=50)).map(
        lambda t: bytes([0xA5, 0x5A, 1, t[0], 0, len(t[1]), 0]) + t[1] + b"\x00\x00")),  # bad CRC
    max_size=12)


@settings(max_examples=400, deadline=None)
@given(pieces, st.integers(1, 300), st.binary(max_size=3))
def test_host_reader_matches_the_reference_reader(parts, step, tail):
    stream = b"".join(parts) + tail
    ref, fast = FrameReader(), HostFrameReader()
    assert _run(fast, stream, step) == _run(ref, stream, step)
    assert fast.bad_frames == ref.bad_frames
    assert fast.dropped_bytes == ref.dropped_bytes
    assert fast.pending() == ref.pending()


def test_host_reader_stays_small_on_a_long_stream():
    frame = encode_frame(0x83, 1, bytes(1000))
    r = HostFrameReader()
    n = 0
    for _ in range(500):
        r.feed(frame * 70)
        while r.next_frame() is not None:
            n += 1
    assert n == 35000 and r.pending() == 0 and len(r._buf) <= 70 * len(frame) + (1 << 16)
