"""`repclip demo` end to end in a temp dir: history + today's workout -> merge -> report."""

import datetime
import json
import re

import pytest
from click.testing import CliRunner

from conftest import ROOT, require
from repclip.demo import TRACES, demo_command, run_demo, todays_slot
from repclip.merge import HOLD, PUSH
from repclip.store import Store

WED = datetime.date(2026, 11, 25)


def test_demo_without_the_board_tells_the_story(tmp_path):
    lines = []
    path, result = run_demo(tmp_path, use_board=False, today=WED, echo=lines.append)
    assert path == tmp_path / "report.html" and path.stat().st_size > 10_000
    assert (tmp_path / "plan.toml").read_text().count("start = 2026-10-26") == 1  # week 5 holds WED
    assert result.as_of == WED and result.status == HOLD
    assert result.latest["goblet_squat"].status == PUSH
    pogo = result.latest["pogo_hops"]
    assert pogo.status == HOLD and re.fullmatch(
        r"landing peak rising two sessions running \(3\.0 -> 3\.4 -> 3\.6 g\) on pogo hops", pogo.reasons[0])
    assert "discomfort 4/10 flagged on split squat L" in result.latest["split_squat"].reasons
    states = {d: s for d, _, s in result.calendar}
    assert states[datetime.date(2026, 11, 5)] == "missed"  # the story's skipped Thursday
    assert states[WED] == HOLD
    with Store(tmp_path / "demo.db") as store:
        sources = {s["source"] for s in store.summaries()}
    assert sources == {"sample-history", "sample-today"}
    page = path.read_text()
    assert 'data-exercise="pogo_hops" data-status="hold"' in page


def test_demo_on_a_rest_day_counts_for_the_nearest_planned_day(tmp_path):
    thu = WED + datetime.timedelta(days=1)
    path, result = run_demo(tmp_path, use_board=False, today=thu, echo=lambda *_: None)
    last = result.matches[-1]
    assert last.date == thu and last.planned is not None and last.shifted_from == WED
    assert todays_slot(result.plan, thu).date == WED


def test_demo_command_prints_status_and_report_path(tmp_path):
    res = CliRunner().invoke(demo_command, ["--out", str(tmp_path / "d"), "--no-board"])
    assert res.exit_code == 0, res.output
    assert "overall: " in res.stdout and res.stdout.rstrip().endswith("report.html")
    assert (tmp_path / "d" / "report.html").is_file()


@pytest.mark.slow
def test_demo_with_the_virtual_board(tmp_path):
    require((ROOT / "firmware" / "code.py").is_file(), "firmware/code.py (FIRMWARE) for the virtual board")
    try:
        from repclip.sim import serve_link, simulate  # noqa: F401
    except ImportError:
        require(False, "repclip.sim (SIM)")
    lines = []
    path, result = run_demo(tmp_path, use_board=True, sets=1, echo=lines.append)
    text = "\n".join(lines)
    assert "virtual board recorded" in text, text
    assert "synced from the virtual board" in text, text
    with Store(tmp_path / "demo.db") as store:
        device = [s for s in store.sessions() if s.source == "device"]
    reps = [len(x.reps) for s in device for x in s.sets if x.exercise == "goblet_squat"]
    hops = [len(x.hops) for s in device for x in s.sets if x.exercise == "pogo_hops"]
    # what the bundled traces hold: their labels (repclip tracegen wrote both)
    truth = dict((ex, json.loads(trace.with_name(trace.stem + ".labels.json").read_text()))
                 for ex, trace in TRACES.items())
    assert reps == [truth["goblet_squat"]["rep_count"]] and hops == [truth["pogo_hops"]["hop_count"]]
    assert reps == [8] and hops == [25]
    assert path.is_file() and set(TRACES) <= set(result.history)
    # the next planned day, adjusted by the status, reached the board
    pushed = result.pushed
    assert pushed is not None and pushed["v"] == 1 and pushed["exercises"], text
    assert pushed == result.plan.prescription_for(pushed["date"]) or any(e.get("status") for e in pushed["exercises"])
    assert "pushed " in text


def test_demo_sync_leg_over_the_virtual_link(tmp_path):
    """The demo's sync step against SIM's serve_link and the firmware's SessionLog (no firmware app needed)."""
    try:
        from repclip.sim import serve_link  # noqa: F401
    except ImportError:
        require(False, "repclip.sim (SIM)")
    require((ROOT / "firmware" / "lib" / "repclip_board" / "sessionlog.py").is_file(), "SessionLog (FIRMWARE)")
    from repclip.demo import _sync_from_board, hop_series, session_bytes

    flash = tmp_path / "flash"
    flash.mkdir()
    squats = session_bytes(1, WED, [{"exercise": "goblet_squat", "tempo": "3-1-1", "reps": [(3000, 1000, 1000)] * 8}])
    hops = session_bytes(2, WED, [{"exercise": "pogo_hops", "hops": hop_series(25)}])
    (flash / "S00000001.rcl").write_bytes(squats)
    (flash / "S00000002.rcl").write_bytes(hops)
    lines = []
    with Store(tmp_path / "s.db") as store:
        done = _sync_from_board(store, flash, WED, lines.append)
        assert done == {"goblet_squat", "pogo_hops"}
        assert sorted(store.raw(s.key) for s in store.sessions()) == sorted([squats, hops])
    assert "pulled 2 sessions" in lines[0]
    assert not list(flash.glob("S*.rcl"))  # acknowledged, so the board freed them
