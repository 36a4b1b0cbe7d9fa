"""Hypothesis fuzzing of every decoder that reads bytes from the wire or the flash.

Property: arbitrary bytes give either a valid result or the documented error
(FrameError / RecordError / ProtocolError / SessionFormatError, all ValueError
subclasses), never anything else; encoders and decoders round-trip.
"""

import json
import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repcore import protocol as P
from repcore import record
from repcore.frame import MAX_PAYLOAD, FrameError, FrameReader, encode_frame
from repclip.session import SessionFormatError, parse_session

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

frames_st = st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=300)), max_size=8)
# Noise between frames that cannot start a sync pair, so every real frame must come back.
noise_st = st.binary(max_size=40).map(lambda b: b.replace(b"\xa5", b"\x00"))


def _drain(reader):
    out = []
    while True:
        f = reader.next_frame()
        if f is None:
            return out
        out.append(f)


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.integers(1, 200), max_size=30))
def test_frame_reader_never_raises_on_arbitrary_bytes(data, cuts):
    reader = FrameReader()
    pos = 0
    for c in cuts + [len(data)]:
        reader.feed(data[pos:pos + c])
        pos += c
        for ftype, seq, payload in _drain(reader):
            assert 0 <= ftype < 256 and 0 <= seq < 256 and len(payload) <= MAX_PAYLOAD
            # Whatever came out is a real frame that was present in the input.
            assert encode_frame(ftype, seq, payload) in data
    assert reader.pending() <= len(data)


@FUZZ
@given(frames_st, st.lists(noise_st, min_size=9, max_size=9), st.integers(1, 97))
def test_frames_round_trip_through_noise_and_any_split(frames, noise, step):
    stream = bytearray(noise[0])
    for i, (t, s, p) in enumerate(frames):
        stream += encode_frame(t, s, p) + noise[i + 1]
    reader = FrameReader()
    got = []
    for i in range(0, len(stream), step):
        reader.feed(stream[i:i + step])
        got += _drain(reader)
    assert got == [(t, s, bytes(p)) for t, s, p in frames]


def test_encode_frame_refuses_an_oversized_payload():
    try:
        encode_frame(1, 1, bytes(MAX_PAYLOAD + 1))
    except FrameError as e:
        assert "exceeds" in str(e)
    else:
        raise AssertionError("oversized payload accepted")


@FUZZ
@given(st.binary(max_size=2000))
def test_read_records_never_raises_and_reports_a_tail(data):
    records, tail = record.read_records(data)
    end = 0
    for off, rtype, payload in records:
        assert off == end
        end = off + record.HEAD_LEN + len(payload) + 2
    assert (tail is None) == (end == len(data))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=400)), max_size=10), st.integers(0, 50))
def test_records_round_trip_and_every_cut_keeps_the_whole_ones(recs, cut_back):
    blob = b"".join(record.encode_record(t, p) for t, p in recs)
    got, tail = record.read_records(blob)
    assert tail is None and [(t, p) for _, t, p in got] == [(t, bytes(p)) for t, p in recs]
    cut = max(0, len(blob) - cut_back)
    got2, _ = record.read_records(blob[:cut])
    assert [(t, p) for _, t, p in got2] == [(t, bytes(p)) for t, p in recs][:len(got2)]


@FUZZ
@given(st.integers(0, 255), st.binary(max_size=600))
def test_decode_payload_raises_only_record_error(rtype, payload):
    try:
        record.decode_payload(rtype, payload)
    except record.RecordError:
        pass


def test_decode_payload_turns_pathological_json_into_record_error():
    for payload in (b"[" * 8000, b"\xff\xfe", b"123", b'{"a": NaN'):
        try:
            record.decode_payload(record.SET_START, payload)
        except record.RecordError:
            continue
        raise AssertionError("accepted %r" % payload[:10])


UNPACKERS = [P.unpack_list_response, P.unpack_read, P.unpack_data, P.unpack_ack, P.unpack_clock,
             P.unpack_status, lambda b: P.unpack_json(b, "fuzz")]


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(range(len(UNPACKERS))))
def test_protocol_unpackers_raise_only_protocol_error(payload, which):
    try:
        UNPACKERS[which](payload)
    except P.ProtocolError:
        pass
    code, text = P.unpack_error(payload)  # never raises: an unreadable error is still an error
    assert isinstance(code, int) and isinstance(text, str)


def test_unpack_json_rejects_deep_nesting_as_protocol_error():
    try:
        P.unpack_json(b"[" * 5000, "PLAN")
    except P.ProtocolError as e:
        assert "PLAN" in str(e)
    else:
        raise AssertionError("deep nesting accepted")


@FUZZ
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 0xFFFF),
       st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 255)), max_size=20))
def test_protocol_messages_round_trip(a, b, c, crc, entries):
    assert P.unpack_read(P.pack_read(a, b, c)) == (a, b, c)
    assert P.unpack_ack(P.pack_ack(a, b, crc)) == (a, b, crc)
    assert P.unpack_clock(P.pack_clock(a)) == a
    assert P.unpack_list_response(P.pack_list_response(len(entries), entries)) == (len(entries), entries)
    sid, off, data = P.unpack_data(P.pack_data_head(a, b) + bytes([c & 0xFF]) * 3)
    assert (sid, off, bytes(data)) == (a, b, bytes([c & 0xFF]) * 3)


def _session_blob(extra):
    return record.encode_json(record.SESSION, {"v": 1, "session": 7, "device": "D"}) + extra


json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids,
                                                                                      max_size=3), max_leaves=6)


@FUZZ
@given(st.binary(max_size=1500))
def test_parse_session_on_arbitrary_bytes_raises_only_format_errors(data):
    for blob in (data, _session_blob(data)):
        try:
            s = parse_session(blob)
        except (SessionFormatError, record.RecordError):
            continue
        assert s.size == len(blob)
        s.to_dict()


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([record.SET_START, record.SET_END, record.NOTE, record.SESSION_END]),
                          st.dictionaries(st.sampled_from(["set", "exercise", "rpe", "t_ms", "tempo"]), json_values,
                                          max_size=4)), max_size=6))
def test_parse_session_on_odd_json_records_raises_only_format_errors(recs):
    blob = _session_blob(b"".join(record.encode_record(t, json.dumps(o).encode()) for t, o in recs))
    try:
        s = parse_session(blob)
    except SessionFormatError:
        return
    s.to_dict()


@FUZZ
@given(st.binary(min_size=1, max_size=60), st.integers(0, 10_000))
def test_parse_session_with_bytes_flipped_in_a_real_session(noise, where):
    from repclip.link.testing import make_session

    blob = bytearray(make_session(3, reps=3))
    i = where % len(blob)
    blob[i:i + len(noise)] = noise
    try:
        s = parse_session(bytes(blob))
    except (SessionFormatError, record.RecordError):
        return
    # Damage is caught by a record CRC (the rest becomes the tail) or left the bytes parseable.
    assert s.size == len(blob)
    assert s.tail is not None or record.read_records(bytes(blob))[1] is None


def test_a_list_as_set_number_is_a_format_error_not_a_type_error():
    blob = _session_blob(record.encode_json(record.SET_START, {"set": [1]}))
    try:
        parse_session(blob)
    except SessionFormatError as e:
        assert "set number" in str(e)
    else:
        raise AssertionError("accepted a list as set number")


def test_struct_sizes_match_the_documented_record_layouts():
    assert struct.calcsize(record.REP_FMT) == 27 and struct.calcsize(record.HOP_FMT) == 19


@FUZZ
@given(st.binary(max_size=600), st.integers(0, 600), st.integers(0, 600), st.integers(0, 0xFFFF))
def test_the_board_crc_path_equals_binascii(data, a, b, init):
    """The table loop the board runs (no binascii.crc_hqx there) gives crc_hqx's result for any slice."""
    import binascii

    from repcore import crc16 as mod

    start, end = min(a, b, len(data)), min(max(a, b), len(data))
    saved = mod._crc_hqx, mod._TABLE
    mod._crc_hqx, mod._TABLE = None, mod._make_table()
    try:
        got = mod.crc16(bytearray(data), init, start, end)
    finally:
        mod._crc_hqx, mod._TABLE = saved
    assert got == binascii.crc_hqx(data[start:end], init)
