"""The trace reader and writer: round trips, and a clear file:line error for every kind of bad input."""

import json
import math
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repclip.tracegen import generate, write
from repclip.traces import (KNOWN_META, TraceError, iter_samples, labels_path, read_labels, read_trace,
                            truth_counts, validate_labels, write_trace)

ROOT = pathlib.Path(__file__).resolve().parents[2]
GEN = ROOT / "tests" / "traces" / "gen"

GOOD = "# sensor=LSM6DSOX\n# odr_hz=104\n# mount=waist\nt_us,ax,ay,az,gx,gy,gz\n0,0.1,0,9.81,0,0,0\n9615,0.1,0,9.8,0.01,0,0\n"


def put(tmp_path, text, name="t.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(path):
    with pytest.raises(TraceError) as e:
        read_trace(path)
    return e.value


# --- round trips ---------------------------------------------------------------------

def test_generated_trace_round_trips_through_the_compact_writer(tmp_path):
    meta, samples, labels = generate("pogo", mount="thigh", odr_hz=104, reps=4, noise="medium", seed=1)
    path = tmp_path / "pogo.csv"
    write(path, meta, samples, labels)
    tr = read_trace(path)
    assert tr.meta == meta and tr.has_gyro and len(tr) == len(samples)
    for a, b in zip(samples, tr.samples):
        assert a[0] == b[0]
        assert all(abs(x - y) <= 0.0005 + 1e-12 for x, y in zip(a[1:], b[1:]))
    assert abs(tr.odr_hz - 104.0) < 2.0 and tr.mode == "hops" and tr.mount == "thigh"
    assert read_labels(path) == labels
    assert list(iter_samples(path)) == tr.samples
    assert truth_counts(read_labels(path)) == (0, 4)


def test_the_set_rate_is_the_metadatas_and_the_measured_rate_carries_the_clocks_error(tmp_path):
    # an LSM6DS set to 104 Hz whose clock runs 1 % slow: 9,712 us steps, not 9,615
    rows = "".join("%d,0,0,9.81,0,0,0\n" % (i * 9712) for i in range(50))
    tr = read_trace(put(tmp_path, "# odr_hz=104\nt_us,ax,ay,az,gx,gy,gz\n" + rows))
    assert tr.set_odr_hz == 104.0
    assert abs(tr.odr_hz - 102.97) < 0.01
    assert read_trace(put(tmp_path, "t_us,ax,ay,az,gx,gy,gz\n" + rows)).set_odr_hz is None


def test_full_precision_round_trip_and_accel_only_traces(tmp_path):
    samples = [(0, 0.123456, -1.5, 9.80665, 0.01, -0.02, 0.0), (10000, -0.0000004, 2.0, 9.7, 0.0, 0.0, 0.5)]
    p = tmp_path / "a.csv"
    write_trace(p, {"odr_hz": "100"}, samples)
    got = read_trace(p).samples
    assert got[0][1] == 0.12346 and got[1][1] == 0.0  # 5 decimals, and never "-0"
    assert "-0," not in p.read_text()
    write_trace(p, {"odr_hz": "100"}, samples, gyro=False)
    tr = read_trace(p)
    assert not tr.has_gyro and tr.samples[0][4:] == (0.0, 0.0, 0.0)
    assert p.read_text().splitlines()[1] == "t_us,ax,ay,az"


def test_committed_suite_reads_and_its_labels_validate():
    from conftest import require
    require(GEN.is_dir(), "tests/traces/gen (run: python -m repclip.tracegen.suite)")
    files = sorted(GEN.glob("*.csv"))
    assert len(files) >= 30
    for p in files:
        tr = read_trace(p)
        labels = read_labels(p)
        assert labels is not None, p
        assert set(tr.meta) <= set(KNOWN_META)
        assert tr.meta["generator"].startswith("repclip.tracegen")
        first, last = tr.samples[0][0], tr.samples[-1][0]
        for item in labels["reps"] + labels["hops"]:
            for k, v in item.items():
                if k.endswith("_us"):
                    assert first < v < last, (p, k)


def test_real_recordings_read_in_place(realdata):
    files = sorted(realdata.rglob("*.csv"))
    assert files, "no CSV under %s" % realdata
    for p in files:
        tr = read_trace(p)
        labels = read_labels(p)
        assert len(tr) > 50 and tr.odr_hz and 10 < tr.odr_hz < 500, p
        assert all(math.isfinite(v) for s in tr.samples[:500] for v in s)
        if labels is not None:
            reps, hops = truth_counts(labels)
            assert reps + hops > 0, p


# --- malformed traces: file and line named ----------------------------------------------------

@pytest.mark.parametrize("text, line, words", [
    ("# sensor=x\nt_us,ax,ay\n0,1,2\n", 2, ["bad header", "t_us,ax,ay,az,gx,gy,gz"]),
    ("t_us,ax,ay,az,gx,gy,gz\n0,1,2,3,4,5,6\n10,1,2,3\n", 3, ["4 columns, expected 7"]),
    ("t_us,ax,ay,az\n0,1,2,3\n10,1,2,3,4\n", 3, ["5 columns, expected 4"]),
    ("t_us,ax,ay,az,gx,gy,gz\n0,1,2,3,4,5,6\n10,1,abc,3,4,5,6\n", 3, ["ay", "'abc'", "not a number"]),
    ("t_us,ax,ay,az,gx,gy,gz\n0.5,1,2,3,4,5,6\n", 2, ["t_us", "not an integer"]),
    ("t_us,ax,ay,az,gx,gy,gz\n100,1,2,3,4,5,6\n50,1,2,3,4,5,6\n", 3, ["not after the previous 100", "increase"]),
    ("t_us,ax,ay,az,gx,gy,gz\n100,1,2,3,4,5,6\n100,1,2,3,4,5,6\n", 3, ["not after"]),
    ("t_us,ax,ay,az,gx,gy,gz\n0,1,2,3,4,5,6\n10,1,2,nan,4,5,6\n", 3, ["az is nan", "NaN/inf"]),
    ("t_us,ax,ay,az,gx,gy,gz\n0,1,2,3,4,5,inf\n", 2, ["gz is inf"]),
    ("# sensor=x\n# colour=red\nt_us,ax,ay,az\n0,1,2,3\n", 2, ["unknown metadata key 'colour'", "known keys"]),
    ("# just words\nt_us,ax,ay,az\n0,1,2,3\n", 1, ["not key=value"]),
    ("# sensor=x\n# odr_hz=fast\nt_us,ax,ay,az\n0,1,2,3\n", 2, ["odr_hz=fast", "not a sensor rate", "'# odr_hz=104'"]),
    ("# odr_hz=0\nt_us,ax,ay,az\n0,1,2,3\n", 1, ["odr_hz=0", "not a sensor rate"]),
    ("# odr_hz=nan\nt_us,ax,ay,az\n0,1,2,3\n", 1, ["odr_hz=nan", "not a sensor rate"]),
    ("# bad key!=1\nt_us,ax,ay,az\n0,1,2,3\n", 1, ["not a plain name"]),
    ("# sensor=x\n", 1, ["empty trace", "no header"]),
    ("# sensor=x\nt_us,ax,ay,az,gx,gy,gz\n\n", 3, ["no samples"]),
])
def test_malformed_trace_errors_name_file_line_and_fix(tmp_path, text, line, words):
    p = put(tmp_path, text)
    e = error_of(p)
    assert e.line == line and e.path == str(p)
    assert str(e).startswith("%s:%d: " % (p, line))
    for w in words:
        assert w in str(e), (w, str(e))


def test_empty_missing_and_binary_files(tmp_path):
    e = error_of(put(tmp_path, ""))
    assert "empty trace" in str(e) and e.line is None
    e = error_of(tmp_path / "nope.csv")
    assert "no such file" in str(e)
    b = tmp_path / "b.csv"
    b.write_bytes(b"t_us,ax,ay,az\n0,1,2,3\n\xff\xfe\x00garbage\n")
    e = error_of(b)
    assert "not UTF-8" in str(e) and e.line == 3


def test_iter_samples_streams_until_the_bad_line(tmp_path):
    p = put(tmp_path, GOOD + "20000,1,2,3,4,5\n")
    got = []
    with pytest.raises(TraceError) as e:
        for s in iter_samples(p):
            got.append(s)
    assert len(got) == 2 and e.value.line == 7


def test_writer_refuses_unknown_meta(tmp_path):
    with pytest.raises(TraceError) as e:
        write_trace(tmp_path / "x.csv", {"flavour": "x"}, [(0, 0, 0, 9.8, 0, 0, 0)])
    assert "unknown metadata key 'flavour'" in str(e.value)


# --- labels ---------------------------------------------------------------------------------

def _labels_file(tmp_path, text):
    p = put(tmp_path, GOOD)
    pathlib.Path(labels_path(p)).write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, words", [
    ('{"rep_count": 2,\n "reps": [\n', ["not valid JSON"]),
    ('[1, 2]', ["must be a JSON object"]),
    ('{"rep_count": -1}', ["rep_count must be a whole number"]),
    ('{"hop_count": true}', ["hop_count must be a whole number"]),
    ('{"rep_count": 2, "reps": [{"start_us": 0, "bottom_us": 1, "rise_us": 2, "end_us": 3}]}',
     ["lists 1 entries but rep_count is 2"]),
    ('{"rep_count": 1, "reps": [{"start_us": 0, "bottom_us": 5, "rise_us": 2, "end_us": 9}]}', ["out of order"]),
    ('{"rep_count": 1, "reps": [{"start_us": 0, "bottom_us": 1.5, "rise_us": 2, "end_us": 3}]}',
     ["reps[0].bottom_us must be an integer"]),
    ('{"hop_count": 2, "hops": [{"takeoff_us": 0, "touchdown_us": 10}, {"takeoff_us": 5, "touchdown_us": 20}]}',
     ["hops[1] starts before hops[0] ends"]),
    ('{"hops": 3}', ["hops must be a list"]),
    ('{"segments": [{"start_us": 1}]}', ["segments[0] needs integer start_us and end_us"]),
])
def test_bad_labels_are_reported_with_the_file(tmp_path, text, words):
    p = _labels_file(tmp_path, text)
    with pytest.raises(TraceError) as e:
        read_labels(p)
    assert str(e.value).startswith(labels_path(p))
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_bad_json_names_its_line(tmp_path):
    p = _labels_file(tmp_path, '{"rep_count": 2,\n "reps": [\n')
    with pytest.raises(TraceError) as e:
        read_labels(p)
    assert e.value.line == 3


def test_labels_defaults_and_counts(tmp_path):
    assert read_labels(put(tmp_path, GOOD)) is None  # no labels file
    p = _labels_file(tmp_path, json.dumps({"segments": [{"start_us": 0, "end_us": 5}, {"start_us": 9, "end_us": 12}],
                                            "meta": {"mode": "hops"}}))
    lab = read_labels(p)
    assert lab["reps"] == [] and lab["hops"] == [] and lab["rep_count"] == 0
    assert truth_counts(lab) == (0, 2)
    lab["meta"]["mode"] = "strength"
    assert truth_counts(lab) == (2, 0)
    assert validate_labels({"rep_count": 0}, "x") == {"rep_count": 0}


# --- fuzz: arbitrary text never escapes as anything but TraceError ----------------------------

_LINES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["t_us,ax,ay,az,gx,gy,gz", "t_us,ax,ay,az", "# odr_hz=104", "# mode=hops", "#", "",
                     "0,1,2,3,4,5,6", "10,1,2,3", "-5,1e3,2,3,4,5,6", "1,nan,2,3", "99999999999999999999,1,2,3"]),
    st.lists(st.one_of(st.integers(-10, 10 ** 7).map(str), st.floats(allow_nan=True).map(repr),
                       st.text(max_size=5)), min_size=1, max_size=8).map(",".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, max_size=12))
def test_reading_arbitrary_text_raises_only_trace_error(tmp_path, lines):
    p = tmp_path / "fuzz.csv"
    # surrogates become invalid UTF-8 bytes: the reader must report those too
    p.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    try:
        tr = read_trace(p)
    except TraceError as e:
        assert str(e).startswith(str(p))
        return
    # what reads must be sane
    ts = [s[0] for s in tr.samples]
    assert ts == sorted(set(ts))
    assert all(math.isfinite(v) for s in tr.samples for v in s[1:])
