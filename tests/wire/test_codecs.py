"""Frame and record codecs: known vectors, round trips, resync, torn records."""

import random

import pytest

from repcore import record
from repcore.crc16 import crc16, crc16_pure
from repcore.events import HARD, Hop, Rep
from repcore.frame import FrameReader, encode_frame


def test_crc16_matches_the_ccitt_false_check_value():
    assert crc16(b"123456789") == 0x29B1
    assert crc16_pure(b"123456789") == 0x29B1


def test_crc16_pure_equals_binascii_on_random_data():
    rng = random.Random(1)
    for n in (0, 1, 7, 300):
        data = bytes(rng.randrange(256) for _ in range(n))
        assert crc16_pure(data) == crc16(data)


def test_frames_survive_garbage_split_delivery_and_a_flipped_byte():
    frames = [encode_frame(0x83, i, bytes([i]) * (i * 37 % 500)) for i in range(20)]
    stream = bytearray(b"\x00\xa5junk")
    for f in frames:
        stream += f
    bad = bytearray(encode_frame(0x83, 99, b"corrupt me"))
    bad[10] ^= 0x40
    stream[40:40] = bad  # inside the first frames: must cost only that frame
    reader = FrameReader()
    got = []
    rng = random.Random(2)
    i = 0
    while i < len(stream):
        step = rng.randrange(1, 64)
        reader.feed(stream[i:i + step])
        i += step
        while True:
            f = reader.next_frame()
            if f is None:
                break
            got.append(f)
    seqs = [s for _, s, _ in got]
    assert 99 not in seqs
    assert reader.bad_frames >= 1
    # Every frame that was not overwritten by the inserted garbage is recovered.
    assert len(got) >= 19


def test_records_round_trip_and_a_torn_tail_keeps_every_earlier_record():
    rep = Rep(3, 10, 3_000_010, 4_000_000, 5_100_000, rom_cm=41.5, mean_velocity_m_s=0.42,
              tempo_eccentric=0, tempo_pause=0, tempo_concentric=1)
    hop = Hop(2, 1_000_000, 1_350_000, contact_ms=180, peak_g=4.25, loading_rate_g_s=310.0, softness=HARD)
    blob = (record.encode_json(record.SET_START, {"set": 1, "exercise": "goblet_squat"})
            + record.encode_rep(1, rep) + record.encode_hop(1, hop))
    full, tail = record.read_records(blob)
    assert tail is None and len(full) == 3
    ends = [off for off, _, _ in full[1:]] + [len(blob)]
    for cut in range(len(blob) + 1):
        recs, tail = record.read_records(blob[:cut])
        # A cut at any byte keeps exactly the records that were whole before it.
        assert len(recs) == sum(1 for e in ends if e <= cut)
        assert (tail is None) == (cut in ends or cut == 0)
    recs, _ = record.read_records(blob)
    _, r = record.decode_payload(recs[1][1], recs[1][2])
    _, h = record.decode_payload(recs[2][1], recs[2][2])
    assert (r.start_us, r.bottom_us, r.rise_us, r.end_us) == (10, 3_000_010, 4_000_000, 5_100_000)
    assert r.rom_cm == pytest.approx(41.5) and r.mean_velocity_m_s == pytest.approx(0.42)
    assert r.tempo_concentric == 1 and r.tempo_ok is False
    assert h.flight_ms == 350 and h.contact_ms == 180 and h.softness == HARD
    assert h.peak_g == pytest.approx(4.25)
