"""The HTML report: self-contained, and rendered by a real headless browser with its charts and values."""

import datetime
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import require
from repclip.demo import SAMPLE_PLAN, hop_series, session_bytes
from repclip.merge import merge
from repclip.plan import load_plan
from repclip.report import render, write_report
from repclip.store import Store

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if pathlib.Path("/usr/bin/chromium").exists() else None)
MON = datetime.date(2026, 11, 2)  # the sample plan's first day
WED4 = MON + datetime.timedelta(days=23)


def _result(tmp_path):
    plan = load_plan(SAMPLE_PLAN)
    fast_then_ok = [(1500, 1000, 1000)] * 3 + [(3000, 1000, 1000)] * 5
    sessions = [
        (MON, [{"exercise": "goblet_squat", "tempo": "3-1-1", "load_kg": 16, "reps": fast_then_ok, "rpe": 7}] * 3
         + [{"exercise": "split_squat", "side": "L", "tempo": "3-1-1", "reps": [(3000, 1000, 1000)] * 8, "discomfort": 4},
            {"exercise": "split_squat", "side": "R", "tempo": "3-1-1", "reps": [(3000, 1000, 1000)] * 6}]),
        (WED4, [{"exercise": "pogo_hops", "hops": [(380, 200 + i, 3.0 + 0.05 * i) for i in range(20)]}] * 3),
    ]
    with Store(tmp_path / "r.db") as store:
        for i, (day, sets) in enumerate(sessions, 1):
            store.add_session(session_bytes(i, day, sets))
        loaded = store.sessions()
    return plan, merge(plan, loaded, WED4)


def test_report_is_self_contained_and_holds_the_numbers(tmp_path):
    plan, result = _result(tmp_path)
    page = render(plan, result)
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page), "no external assets"
    assert "<script" not in page
    assert "tempo compliance 62% &lt; 80% on goblet squat eccentric" in page  # 15 of 24 in tempo
    assert "discomfort 4/10 flagged on split squat L" in page
    assert page.count('class="rep"') == 3 * (24 + 14)  # three phases per rep
    assert page.count('class="hop"') == 60
    # the next planned day (Saturday hops) with the status applied
    assert "<h2>Next: Sat 2026-11-28, Hops</h2>" in page
    assert ('<tr class="next-exercise" data-exercise="low_hops"><td>low hops</td><td>2 x 10 hops</td>'
            '<td>hold: low hops not done (planned 2 x 10 hops)</td></tr>') in page


def _chromium(args, tmp_path):
    profile = tmp_path / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--no-first-run", "--disable-component-update", "--disable-sync", "--user-data-dir=%s" % profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_report_renders_in_a_headless_browser(tmp_path):
    require(CHROMIUM is not None, "chromium is not installed (apt-get install -y chromium)")
    plan, result = _result(tmp_path)
    path = write_report(tmp_path / "out" / "report.html", plan, result)
    dom = _chromium(["--dump-dom", path.as_uri()], tmp_path).stdout
    assert '<svg class="chart calendar"' in dom
    # calendar: the first Monday backs off (split squats: 18 of 32 reps missed, discomfort), the rest of the
    # planned days up to the hop day are missed
    assert re.search(r'data-date="2026-11-02" data-state="back off"', dom)
    assert re.search(r'data-date="2026-11-05" data-state="missed"', dom)
    assert re.search(r'data-date="2026-11-25" data-state="hold"', dom)  # pogo done, low hops and bounds not
    # tempo chart for goblet squat: 24 reps x 3 phases, the 9 rushed eccentrics drawn as out of tempo
    tempo = re.search(r'<svg class="chart tempo" data-exercise="goblet_squat".*?</svg>', dom, re.S).group(0)
    assert len(re.findall(r'class="rep" data-phase="eccentric"', tempo)) == 24
    assert len(re.findall(r'data-phase="eccentric" data-rep="\d+" data-ms="1500" data-ok="no"', tempo)) == 9
    assert 'class="band" data-phase="eccentric" data-lo="2500" data-hi="3500"' in tempo
    hops = re.search(r'<svg class="chart hops" data-exercise="pogo_hops".*?</svg>', dom, re.S).group(0)
    assert 'data-hop="20" data-peak-g="3.95" data-contact-ms="219"' in hops
    assert re.search(r'data-side="L" data-metric="done" data-value="8"', dom)
    assert re.search(r'data-side="R" data-metric="done" data-value="6"', dom)
    assert 'data-exercise="split_squat" data-status="back off"' in dom
    assert 'data-exercise="goblet_squat" data-status="hold"' in dom

    shot = tmp_path / "report.png"
    _chromium(["--window-size=1100,2400", "--screenshot=%s" % shot, path.as_uri()], tmp_path)
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1100, 2400)
    colors = {c for _, c in img.getcolors(1 << 20)}
    assert (224, 161, 0) in colors  # the hold badge really painted
    assert (209, 69, 59) in colors  # the back-off badge and calendar cell
    assert (59, 115, 196) in colors  # the eccentric dots
