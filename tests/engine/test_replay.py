"""`repclip replay`: the engine on a trace file, as a table or JSON."""

import json
from importlib.resources import files

from click.testing import CliRunner

from engine_signals import run
from repclip import mpyrun
from repclip.replay import replay_command, run_engine
from repclip.traces import read_trace, write_trace

REP_KEYS = {"start_us", "bottom_us", "rise_us", "end_us", "eccentric_ms", "pause_ms", "concentric_ms"}
HOP_KEYS = {"takeoff_us", "touchdown_us", "flight_ms", "contact_ms", "jump_height_cm", "peak_g",
            "loading_rate_g_s", "softness"}


def _squat_trace(tmp_path, reps=4):
    path = tmp_path / "squats.csv"
    write_trace(path, {"mode": "strength", "mount": "waist", "tempo": "3-1-1", "odr_hz": "208"},
                mpyrun.synthetic_squats(reps=reps))
    return path


def _hop_trace(tmp_path, hops=6):
    path = tmp_path / "hops.csv"
    write_trace(path, {"mode": "hops", "mount": "waist", "odr_hz": "208"}, mpyrun.synthetic_hops(hops=hops))
    return path


def _run(*args):
    return CliRunner().invoke(replay_command, [str(a) for a in args])


def test_json_reps_carry_the_phase_boundaries_and_durations(tmp_path):
    res = _run(_squat_trace(tmp_path, reps=4), "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["reps"]) == 4 and out["hops"] == []
    for r in out["reps"]:
        assert REP_KEYS <= set(r)
        assert r["start_us"] < r["bottom_us"] <= r["rise_us"] < r["end_us"]
        assert r["eccentric_ms"] == (r["bottom_us"] - r["start_us"]) // 1000
        # The synthetic set lowers for 3 s, holds 1 s, rises in 1 s (boundary
        # accuracy is held in test_accuracy; here: within the tempo tolerance).
        assert abs(r["eccentric_ms"] - 3000) < 500 and abs(r["concentric_ms"] - 1000) < 500


def test_mode_comes_from_the_trace_metadata_and_hops_carry_landing_metrics(tmp_path):
    res = _run(_hop_trace(tmp_path, hops=6), "--json")
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["reps"] == [] and len(out["hops"]) == 6
    for h in out["hops"]:
        assert HOP_KEYS <= set(h)
        assert abs(h["flight_ms"] - 420) <= 10  # the synthetic flight is 0.42 s
    assert all(abs(h["contact_ms"] - 240) <= 15 for h in out["hops"][1:])


def test_mode_option_overrides_the_metadata(tmp_path):
    out = json.loads(_run(_squat_trace(tmp_path, reps=3), "--mode", "hops", "--json").stdout)
    assert out["reps"] == []  # a hop detector never reports reps, and slow squats are no hops
    assert out["hops"] == []


def test_table_lists_every_rep_with_its_tempo_mark(tmp_path):
    res = _run(_squat_trace(tmp_path, reps=3), "--tempo", "3-1-1")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert "3 reps, 0 hops" in lines[0] and "strength mode, waist mount" in lines[0]
    rows = [ln for ln in lines[2:] if ln.strip()]
    assert len(rows) == 3 and all("in tempo" in ln for ln in rows)
    # The same set against a much faster target is out of tempo on the lowering.
    rows = _run(_squat_trace(tmp_path, reps=3), "--tempo", "1-0-1").stdout.splitlines()[2:]
    assert len(rows) == 3 and all(ln.rstrip().endswith("OUT") for ln in rows)


def test_run_engine_matches_feeding_the_engine_by_hand():
    from repcore.engine import Engine

    samples = mpyrun.synthetic_squats(reps=3)
    reps, hops = run_engine(samples, "strength", "waist", "3-1-1")
    by_hand = run(Engine("strength", "waist", "3-1-1"), samples)
    assert [r.to_dict() for r in reps] == [r.to_dict() for r in by_hand] and hops == []


def test_replay_hands_the_engine_the_sensors_set_rate_as_the_board_does():
    # The bundled demo squats were set to 104 Hz; their steps measure 104.25 Hz.
    # The board's engine gets the rate it set the sensor to (repclip_board.app).
    from repcore.engine import Engine

    path = files("repclip.data") / "demo_goblet_squat.csv"
    tr = read_trace(path)
    assert tr.set_odr_hz == 104.0 and abs(tr.odr_hz - 104.0) > 0.2
    board = run(Engine("strength", tr.mount, tr.meta["tempo"], odr_hz=104, exercise=tr.meta["exercise"]),
                tr.samples)
    out = json.loads(_run(path, "--json").stdout)
    assert len(out["reps"]) == len(board) > 0
    assert out["reps"] == [r.to_dict() for r in board]


def test_a_malformed_trace_is_named_with_its_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("# mode=strength\nt_us,ax,ay,az,gx,gy,gz\n0,0,0,9.8,0,0,0\n4808,0,zero,9.8,0,0,0\n")
    res = _run(bad)
    assert res.exit_code == 2 and res.stdout == ""
    assert "bad.csv:4" in res.stderr and "ay 'zero' is not a number" in res.stderr
    assert "Traceback" not in res.stderr


def test_bad_metadata_mode_and_missing_file_are_clear_errors(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("# mode=yoga\nt_us,ax,ay,az\n0,0,0,9.8\n4808,0,0,9.8\n")
    res = _run(odd)
    assert res.exit_code == 2 and "mode=yoga" in res.stderr and "--mode" in res.stderr
    res = _run(tmp_path / "nothere.csv")
    assert res.exit_code == 2 and "no such file" in res.stderr


def test_exercise_comes_from_the_trace_metadata_and_the_option_overrides_it(tmp_path):
    # A single-leg deadlift at the waist: named, its reps are found in the pelvis tilt
    # (depth in degrees beside the range in cm); as a split squat, in the travel only.
    from repclip import tracegen
    meta, samples, labels = tracegen.generate("sldl", mount="waist", noise="low", odr_hz=104.0, reps=5,
                                              tempo="3-1-1", seed=31)
    path = tmp_path / "sldl.csv"
    write_trace(path, meta, samples)
    assert meta["exercise"] == "single_leg_deadlift"
    out = json.loads(_run(path, "--json").stdout)
    assert len(out["reps"]) == labels["rep_count"] == 5
    assert all(40 <= r["depth_deg"] <= 95 and r["rom_cm"] > 0 for r in out["reps"])
    res = _run(path, "--json", "--exercise", "split_squat")
    assert res.exit_code == 0, res.stderr
    assert all(r["depth_deg"] is None for r in json.loads(res.stdout)["reps"])
