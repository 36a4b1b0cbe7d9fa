"""`repclip plan`, `status` and `report` from the command line: output, and clear errors without tracebacks."""

import datetime
import json

from click.testing import CliRunner

from repclip.cli import main
from repclip.demo import SAMPLE_PLAN, session_bytes
from repclip.store import Store

MON = datetime.date(2026, 11, 2)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_plan_validate_show_next():
    r = run("plan", "validate", SAMPLE_PLAN)
    assert r.exit_code == 0 and "ok (Sam Runner, 2 blocks, 6 weeks" in r.stdout
    r = run("plan", "show", SAMPLE_PLAN)
    assert "goblet squat, 3 x 8 reps, tempo 3-1-1, 16 kg" in r.stdout
    assert "+2 reps up to 12, then +2 kg every 2 weeks when green" in r.stdout
    r = run("plan", "next", SAMPLE_PLAN, "--date", "2026-11-24")
    assert r.stdout.startswith("Wed 2026-11-25: Hops (Elastic, week 4, focus plyometrics)")
    r = run("plan", "next", SAMPLE_PLAN, "--date", "2026-11-24", "--json")
    assert json.loads(r.stdout)["exercises"][0]["exercise"] == "pogo_hops"
    r = run("plan", "next", SAMPLE_PLAN, "--date", "2027-01-01")
    assert r.exit_code == 1 and "the plan ended on 2026-12-13" in r.stderr


def test_plan_errors_go_to_stderr_with_the_line(tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text(SAMPLE_PLAN.read_text().replace('tempo = "2-0-1"', 'tempo = "slow"'))
    r = run("plan", "validate", bad)
    line = next(i for i, x in enumerate(bad.read_text().splitlines(), 1) if '"slow"' in x)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: %s, line %d: tempo 'slow'" % (bad, line))
    assert "Traceback" not in r.output
    r = run("plan", "show", tmp_path / "missing.toml")
    assert r.exit_code == 2 and "cannot read the plan file" in r.stderr


def test_status_and_report_commands(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add_session(session_bytes(1, MON, [
            {"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": 16, "reps": [(3000, 1000, 1000)] * 8}] * 3))
    r = run("status", "--db", db, "--plan", SAMPLE_PLAN)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "overall: HOLD (as of 2026-11-02)"
    assert "goblet squat         push     all 24 reps done on goblet squat" in r.stdout
    assert "split squat not done" in r.stdout
    r = run("status", "--db", db, "--plan", SAMPLE_PLAN, "--json")
    data = json.loads(r.stdout)
    assert data["exercises"]["goblet_squat"]["next"]["reps"] == 10
    r = run("report", "--db", db, "--plan", SAMPLE_PLAN, "--out", tmp_path / "rep")
    assert r.exit_code == 0 and (tmp_path / "rep" / "report.html").is_file()
    r = run("status", "--db", db)
    assert r.exit_code == 2 and "no plan given: pass --plan" in r.stderr
    notdb = tmp_path / "not.db"
    notdb.write_text("hello")
    r = run("status", "--db", notdb, "--plan", SAMPLE_PLAN)
    assert r.exit_code == 2 and "error: cannot open the session store" in r.stderr and "Traceback" not in r.output
    r = run("report", "--db", db, "--plan", SAMPLE_PLAN, "--date", "someday")
    assert r.exit_code == 2 and "not a date" in r.stderr


def test_plan_next_with_db_applies_the_status(tmp_path):
    db = tmp_path / "s.db"
    rushed = [(1500, 1000, 1000)] * 4 + [(3000, 1000, 1000)] * 4  # eccentric 50% in tempo
    with Store(db) as store:
        store.add_session(session_bytes(1, MON + datetime.timedelta(days=7), [
            {"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": 16, "reps": rushed}] * 3))
    r = run("plan", "next", SAMPLE_PLAN, "--date", "2026-11-15", "--db", db)
    assert r.exit_code == 0, r.output
    # week 3 would progress to 10 reps; the held squats stay at 8
    assert ("goblet squat, 3 x 8 reps, tempo 3-1-1, 16 kg [hold: tempo compliance 50% < 80% on goblet squat "
            "eccentric]") in r.stdout
