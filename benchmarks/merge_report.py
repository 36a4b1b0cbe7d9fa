"""Merge + report speed on a big store: 5,000 sessions (target: load + merge + report < 2 s).

    .venv/bin/python benchmarks/merge_report.py [--sessions 5000]

Sessions follow the sample plan day by day (the plan's dates repeat: the
merge matches each to its planned weekday), each with its planned sets of
reps or hops, so the store holds realistic volumes of reps and hops.
"""

import argparse
import datetime
import pathlib
import random
import sys
import tempfile
import time

from repclip.demo import SAMPLE_PLAN, hop_series, reps_in_tempo, session_bytes
from repclip.merge import merge
from repclip.plan import load_plan, parse_plan
from repclip.report import render
from repclip.store import Store


def long_plan(repeats):
    """The sample plan with its blocks repeated: a multi-year plan so every session has a planned day."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    head, blocks = text.split("[[blocks]]", 1)
    return parse_plan(head + ("[[blocks]]" + blocks + "\n") * repeats, "long_plan.toml")


def build(db, plan, n):
    rng = random.Random(1)
    templates = [s for s in plan.planned_sessions()]
    raws = []
    for i in range(n):
        p = templates[i % len(templates)]
        day = p.date
        sets = []
        for e in p.exercises:
            for _ in range(e.sets):
                if e.mode == "hops":
                    sets.append({"exercise": e.exercise, "hops": hop_series(e.hops, 3.3, rng=rng), "rpe": 7})
                else:
                    sets.append({"exercise": e.exercise, "tempo": e.tempo, "load_kg": e.load_kg, "rpe": 7,
                                 "reps": reps_in_tempo(e.reps, e.tempo or "2-0-1", rng=rng)})
        raws.append(session_bytes(i + 1, day, sets))
    with Store(db) as store:
        for raw in raws:
            store.add_session(raw)
    return sum(len(r) for r in raws)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=5000)
    args = ap.parse_args()
    per_cycle = len(load_plan(SAMPLE_PLAN).planned_sessions())
    plan = long_plan(args.sessions // per_cycle + 1)
    print("plan: %d weeks, %d planned sessions" % (plan.weeks, len(plan.planned_sessions())))
    with tempfile.TemporaryDirectory() as tmp:
        db = pathlib.Path(tmp) / "bench.db"
        t = time.perf_counter()
        size = build(db, plan, args.sessions)
        print("built %d sessions (%.1f MB of session files) in %.1f s" % (args.sessions, size / 1e6,
                                                                         time.perf_counter() - t))
        t0 = time.perf_counter()
        with Store(db) as store:
            sessions = store.sessions()
        t1 = time.perf_counter()
        result = merge(plan, sessions)
        assert result.status is not None
        t2 = time.perf_counter()
        page = render(plan, result)
        t3 = time.perf_counter()
        reps = sum(len(s.reps) for x in sessions for s in x.sets)
        hops = sum(len(s.hops) for x in sessions for s in x.sets)
        print("store.sessions(): %.3f s (%d sessions, %d reps, %d hops)" % (t1 - t0, len(sessions), reps, hops))
        print("merge:            %.3f s (status %s)" % (t2 - t1, result.status))
        print("report render:    %.3f s (%d KB of HTML)" % (t3 - t2, len(page) // 1024))
        total = t3 - t0
        print("load + merge + report: %.3f s (target < 2 s): %s" % (total, "OK" if total < 2 else "SLOW"))
        print("merge + report only:   %.3f s" % (t3 - t1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
