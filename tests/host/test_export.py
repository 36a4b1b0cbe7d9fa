"""Exports: FIT files decode back (Garmin's SDK) to the same sets, reps, loads and jumps; CSV rows match."""

import csv
import datetime

import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream

from repclip.demo import hop_series, session_bytes
from repclip.export import FIT_EPOCH_OFFSET, export_group, fit_bytes, write_csv
from repclip.session import parse_session
from repclip.store import Store

DAY = datetime.date(2026, 11, 2)


def _session(sid=7):
    sets = [
        {"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": 16.5, "reps": [(3000, 1000, 1000, 41.5, 0.44)] * 8,
         "rpe": 7, "discomfort": 1},
        {"exercise": "split_squat", "side": "L", "tempo": "3-1-1", "load_kg": 8.0, "reps": [(1500, 1000, 1000)] * 6},
        {"exercise": "pogo_hops", "hops": hop_series(5, 3.2), "rpe": 6},
    ]
    return parse_session(session_bytes(sid, DAY, sets))


def _decode(data):
    dec = Decoder(Stream.from_byte_array(bytearray(data)))
    assert dec.is_fit() and dec.check_integrity()
    dec = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = dec.read()
    assert errors == []
    return messages


def test_fit_round_trip_field_by_field():
    sess = _session()
    m = _decode(fit_bytes(sess))
    fid = m["file_id_mesgs"][0]
    assert (fid["type"], fid["manufacturer"], fid["serial_number"]) == ("activity", "development", 7)
    session = m["session_mesgs"][0]
    assert (session["sport"], session["sub_sport"]) == ("training", "strength_training")
    start = datetime.datetime.fromtimestamp(sess.clock, tz=datetime.timezone.utc)
    assert session["start_time"] == start
    active = [s for s in m["set_mesgs"] if s["set_type"] == "active"]
    rest = [s for s in m["set_mesgs"] if s["set_type"] == "rest"]
    assert len(active) == 3 and len(rest) == 2
    assert [s["repetitions"] for s in active] == [8, 6, 5]
    assert [s["category"] for s in active] == ["squat", "lunge", "plyo"]
    assert active[0]["weight"] == 16.5 and active[1]["weight"] == 8.0 and "weight" not in active[2]
    assert [s["message_index"] for s in m["set_mesgs"]] == [0, 1, 2, 3, 4]
    # the first set: 8 reps of 5 s with 0.6 s between them, 15 s of set-end padding from the builder
    assert active[0]["start_time"] == start
    assert active[0]["duration"] == pytest.approx(sess.sets[0].end_meta["t_ms"] / 1000.0, abs=0.001)
    jumps = m["jump_mesgs"]
    hops = sess.sets[2].hops
    assert len(jumps) == 5
    for j, h in zip(jumps, hops):
        assert j["height"] == pytest.approx(h.jump_height_cm / 100.0, rel=1e-6)
        assert j["hang_time"] == pytest.approx(h.flight_ms / 1000.0, rel=1e-6)
    assert session["total_elapsed_time"] == pytest.approx(m["activity_mesgs"][0]["total_timer_time"])
    assert int(start.timestamp()) - FIT_EPOCH_OFFSET > 0


def test_csv_rows_match_the_session(tmp_path):
    sess = _session()
    sets_csv, reps_csv, hops_csv = write_csv([sess], tmp_path)
    sets = list(csv.DictReader(open(sets_csv)))
    reps = list(csv.DictReader(open(reps_csv)))
    hops = list(csv.DictReader(open(hops_csv)))
    assert [(r["exercise"], r["reps"], r["hops"], r["load_kg"], r["side"]) for r in sets] == [
        ("goblet_squat", "8", "0", "16.5", ""), ("split_squat", "6", "0", "8.0", "L"), ("pogo_hops", "0", "5", "", "")]
    assert sets[0]["date"] == DAY.isoformat() and sets[0]["rpe"] == "7"
    assert len(reps) == 14 and reps[0]["eccentric_ms"] == "3000" and reps[0]["tempo_eccentric"] == "0"
    assert reps[8]["eccentric_ms"] == "1500" and reps[8]["tempo_eccentric"] == "-1"  # too fast
    assert len(hops) == 5 and hops[0]["contact_ms"] == "" and hops[1]["contact_ms"] != ""
    assert float(hops[0]["jump_height_cm"]) == pytest.approx(sess.sets[2].hops[0].jump_height_cm, abs=0.01)


def test_export_commands(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add_session(session_bytes(1, DAY, [{"exercise": "goblet_squat", "tempo": "3-1-1",
                                                  "reps": [(3000, 1000, 1000)] * 4}]))
    runner = CliRunner()
    res = runner.invoke(export_group, ["fit", "--db", str(db), "--out", str(tmp_path / "fit")])
    assert res.exit_code == 0, res.output
    files = list((tmp_path / "fit").glob("*.fit"))
    assert len(files) == 1
    assert _decode(files[0].read_bytes())["set_mesgs"][0]["repetitions"] == 4
    res = runner.invoke(export_group, ["csv", "--db", str(db), "--out", str(tmp_path / "csv")])
    assert res.exit_code == 0 and (tmp_path / "csv" / "reps.csv").read_text().count("\n") == 5
    res = runner.invoke(export_group, ["fit", "--db", str(tmp_path / "empty.db"), "--out", str(tmp_path)])
    assert res.exit_code == 1 and "no stored sessions" in res.output
    res = runner.invoke(export_group, ["csv", "--db", str(db), "--since", "yesterday"])
    assert res.exit_code == 2 and "not a date" in res.output
