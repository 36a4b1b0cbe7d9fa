"""The SQLite store: idempotent adds, derived tables equal to parse_session, partials, migrations."""

import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repcore import record
from repcore.crc16 import crc16
from repclip.link.testing import make_session
from repclip.session import SessionFormatError, parse_session
from repclip.store import SCHEMA_VERSION, Store, StoreError
from repclip.store_cli import sessions_command


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def _without_samples(d):
    for s in d["sets"]:
        s.pop("samples")
    return d


def test_sessions_read_back_equal_to_parsing_the_raw_bytes(store):
    raws = [make_session(1, reps=5, hops=0), make_session(2, n_sets=3, reps=0, hops=6),
            make_session(3, n_sets=1, reps=12, pad=5000)]
    for raw in raws:
        key, created = store.add_session(raw)
        assert created and store.raw(key) == raw
    got = store.sessions()
    assert [s.session_id for s in got] == [1, 2, 3]
    for s, raw in zip(got, raws):
        assert _without_samples(s.to_dict()) == _without_samples(parse_session(raw).to_dict())
        assert (s.size, s.crc) == (len(raw), crc16(raw))
        assert s.started_at == s.clock  # the device clock was set
        assert [len(x.reps) for x in s.sets] == [len(x.reps) for x in parse_session(raw).sets]
        assert s.sets[0].reps == [] or s.sets[0].reps[0].eccentric_ms > 2000


def test_adding_the_same_bytes_twice_is_a_no_op_and_other_bytes_are_a_new_session(store):
    raw = make_session(5)
    k1, c1 = store.add_session(raw)
    k2, c2 = store.add_session(raw)
    assert c1 and (k2, c2) == (k1, False) and store.count() == 1
    assert store.has_session("RC-TEST", 5, crc16(raw))
    assert not store.has_session("RC-TEST", 5, crc16(raw) ^ 1)
    other = make_session(5, reps=3)  # same id, different content (device counter reset)
    k3, c3 = store.add_session(other)
    assert c3 and k3 != k1 and store.count() == 2
    assert {r[1] for r in store.find_session("RC-TEST", 5)} == {len(raw), len(other)}
    assert store.find_session("RC-TEST", 5, size=len(raw)) == [(k1, len(raw), crc16(raw))]


def test_started_at_falls_back_to_synced_at_and_since_filters(store):
    store.add_session(make_session(1, clock=0), synced_at=2_000_000_000)
    store.add_session(make_session(2, clock=1_000_000_000))  # clock + 2 days
    got = store.sessions()
    assert [s.session_id for s in got] == [2, 1]  # ordered by start, not by insert
    assert got[0].started_at == 1_000_000_000 + 2 * 86400
    assert got[1].started_at == 2_000_000_000
    assert [s.session_id for s in store.sessions(since=1_500_000_000)] == [1]
    assert store.sessions(since=2_100_000_000) == []


def test_bad_bytes_are_refused_and_nothing_is_stored(store):
    with pytest.raises(SessionFormatError):
        store.add_session(b"not a session")
    with pytest.raises(SessionFormatError, match="session id"):
        store.add_session(record.encode_json(record.SESSION, {"session": "seven"}))
    assert store.count() == 0
    with pytest.raises(KeyError):
        store.raw(42)


def test_partials_are_kept_replaced_and_dropped_by_the_commit(store):
    raw = make_session(9)
    assert store.load_partial("RC-TEST", 9) is None
    store.save_partial("RC-TEST", 9, len(raw), raw[:100])
    store.save_partial("RC-TEST", 9, len(raw), raw[:200])
    assert store.load_partial("RC-TEST", 9) == (len(raw), raw[:200])
    store.add_session(raw)
    assert store.load_partial("RC-TEST", 9) is None
    store.save_partial("X", 1, 10, b"abc")
    store.drop_partial("X", 1)
    assert store.load_partial("X", 1) is None


def test_schema_is_versioned_and_reopening_keeps_data(tmp_path):
    path = tmp_path / "v.db"
    with Store(path) as s:
        s.add_session(make_session(1))
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    with Store(path) as s:
        assert s.count() == 1
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = %d" % (SCHEMA_VERSION + 1))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="upgrade repclip"):
        Store(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="--db"):
        Store(path)


def test_removing_a_session_removes_its_sets_reps_and_hops(store):
    key, _ = store.add_session(make_session(4, hops=3))
    store.remove(key)
    assert store.count() == 0
    for table in ("sets", "reps", "hops"):
        assert store.db.execute("SELECT COUNT(*) FROM %s" % table).fetchone()[0] == 0


json_values = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=4) \
    | st.lists(st.integers(), max_size=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["clock", "fw", "device", "board"]), json_values),
       st.dictionaries(st.sampled_from(["set", "rpe", "discomfort", "load_kg", "exercise", "t_ms"]), json_values))
def test_odd_device_json_is_stored_or_refused_never_crashes(store, session_meta, set_meta):
    meta = dict(session_meta, session=11)
    raw = (record.encode_json(record.SESSION, meta) + record.encode_json(record.SET_START, set_meta)
           + record.encode_json(record.SET_END, set_meta))
    try:
        key, _ = store.add_session(raw)
    except SessionFormatError:
        return
    assert store.raw(key) == raw
    assert any(s.key == key for s in store.sessions())


def test_sessions_command_lists_what_is_stored(tmp_path):
    path = tmp_path / "c.db"
    runner = CliRunner()
    result = runner.invoke(sessions_command, ["--db", str(path)])
    assert result.exit_code == 1 and "no session store" in result.output
    with Store(path) as s:
        s.add_session(make_session(1, reps=4))
        s.add_session(make_session(2, n_sets=1, reps=0, hops=5))
    result = runner.invoke(sessions_command, ["--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2 sessions" in lines[-1]
    assert lines[1].split()[3:9] == ["RC-TEST", "1", str(len(make_session(1, reps=4))), "2", "8", "0"]
    assert lines[2].split()[6:9] == ["1", "0", "5"]


def test_a_version_1_store_is_migrated_and_its_reps_and_hops_backfilled(tmp_path):
    path = tmp_path / "old.db"
    raws = [make_session(1, reps=6, hops=2), make_session(2, n_sets=1, reps=0, hops=5)]
    with Store(path) as s:
        for raw in raws:
            s.add_session(raw)
        expect = [_without_samples(x.to_dict()) for x in s.sessions()]
    db = sqlite3.connect(path)  # turn it back into what schema v1 wrote
    db.execute("ALTER TABLE sets DROP COLUMN reps_blob")
    db.execute("ALTER TABLE sets DROP COLUMN hops_blob")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as s:
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert [_without_samples(x.to_dict()) for x in s.sessions()] == expect
        assert sum(len(st.reps) for x in s.sessions() for st in x.sets) == 12


def test_two_different_files_with_the_same_id_and_crc16_are_two_sessions(store):
    head = record.encode_json(record.SESSION, {"v": 1, "session": 3, "device": "D"})
    seen = {}
    for i in range(400_000):  # find a CRC-16 collision between two NOTE contents
        raw = head + record.encode_json(record.NOTE, {"n": i})
        c = crc16(raw)
        if c in seen and len(seen[c]) == len(raw):
            first = seen[c]
            break
        seen[c] = raw
    else:
        pytest.fail("no CRC-16 collision found")
    assert first != raw and crc16(first) == crc16(raw) and len(first) == len(raw)
    k1, c1 = store.add_session(first)
    k2, c2 = store.add_session(raw)
    assert c1 and c2 and k1 != k2 and store.raw(k1) == first and store.raw(k2) == raw
    assert store.add_session(raw) == (k2, False)
