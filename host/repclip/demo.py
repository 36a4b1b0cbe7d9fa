"""`repclip demo`: the whole chain with no board attached.

Seeds a fresh store with a few weeks of sample history (synthetic sessions,
labelled source="sample-history"), runs the virtual board on the bundled
traces (a goblet squat set and a pogo hop set), syncs it over a pseudo
terminal exactly like a real board, merges everything into the sample plan
and writes the HTML report. `session_bytes` builds session files from a
compact description; tests and benchmarks use it too.
"""

import datetime
import pathlib
import random
import sys
import time

import click

from repcore import record
from repcore.events import Hop, Rep
from repcore.tempo import parse_tempo

DATA = pathlib.Path(__file__).resolve().parent / "data"
SAMPLE_PLAN = DATA / "sample_plan.toml"


def _unix(day, hour=7):
    return int(time.mktime(datetime.datetime(day.year, day.month, day.day, hour).timetuple()))


def session_bytes(session_id, started, sets, device="RC-DEMO", fw="0.1.0"):
    """A session file's bytes.

    started: unix seconds or a date (07:00 local). sets: dicts with exercise, side, tempo, load_kg, rpe,
    discomfort, and either reps = [(ecc_ms, pause_ms, con_ms[, rom_cm, velocity_m_s]), ...] or
    hops = [(flight_ms, contact_ms or None, peak_g[, loading_rate_g_s]), ...]. Tempo verdicts are judged
    as the device would (repcore.tempo).
    """
    if isinstance(started, datetime.date):
        started = _unix(started)
    out = [record.encode_json(record.SESSION, {"v": 1, "session": session_id, "device": device, "fw": fw,
                                               "clock": int(started), "board": "demo"})]
    t_ms = 0
    for n, s in enumerate(sets, 1):
        hops = s.get("hops")
        mode = "hops" if hops is not None else "strength"
        tempo = s.get("tempo") if mode == "strength" else None
        out.append(record.encode_json(record.SET_START, {
            "set": n, "exercise": s["exercise"], "mode": mode, "mount": s.get("mount", "waist"),
            "side": s.get("side"), "tempo": tempo, "load_kg": s.get("load_kg"), "t_ms": t_ms}))
        target = parse_tempo(tempo) if tempo else None
        t = 0
        for i, rep in enumerate(s.get("reps") or (), 1):
            ecc, pause, con = rep[0], rep[1], rep[2]
            r = Rep(i, t, t + ecc * 1000, t + (ecc + pause) * 1000, t + (ecc + pause + con) * 1000,
                    rom_cm=rep[3] if len(rep) > 3 else 42.0, mean_velocity_m_s=rep[4] if len(rep) > 4 else 0.45)
            if target is not None:
                target.judge_rep(r)
            out.append(record.encode_rep(n, r))
            t = r.end_us + 600_000
        for i, hop in enumerate(hops or (), 1):
            flight, contact, peak = hop[0], hop[1], hop[2]
            rate = hop[3] if len(hop) > 3 else peak * 40
            h = Hop(i, t + 200_000, t + 200_000 + flight * 1000, contact, peak, rate,
                    "soft" if peak < 3.5 else ("moderate" if peak < 5 else "hard"))
            out.append(record.encode_hop(n, h))
            t = h.touchdown_us + (contact or 200) * 1000 - 200_000
        t_ms += t // 1000 + 5000
        out.append(record.encode_json(record.SET_END, {
            "set": n, "reps": len(s.get("reps") or ()), "hops": len(hops or ()), "rpe": s.get("rpe"),
            "discomfort": s.get("discomfort"), "t_ms": t_ms}))
        t_ms += 90_000
    out.append(record.encode_json(record.SESSION_END, {"sets": len(sets), "t_ms": t_ms}))
    return b"".join(out)


def reps_in_tempo(n, tempo="3-1-1", jitter_ms=250, rng=None, rom_cm=42.0, slow_eccentric=0):
    """n reps near the tempo target (the first `slow_eccentric` too fast on the way down)."""
    rng = rng or random.Random(n)
    t = parse_tempo(tempo)
    out = []
    for i in range(n):
        ecc = t.eccentric_ms if t.eccentric_ms >= 0 else 600
        con = t.concentric_ms if t.concentric_ms >= 0 else 600
        if i < slow_eccentric:
            ecc = max(300, ecc - 1500)
        out.append((ecc + rng.randint(-jitter_ms, jitter_ms), max(0, t.pause_ms + rng.randint(-jitter_ms, jitter_ms)),
                    con + rng.randint(-jitter_ms, jitter_ms), rom_cm + rng.uniform(-1.5, 1.5),
                    0.45 + rng.uniform(-0.05, 0.05)))
    return out


def hop_series(n, peak_g=3.2, contact_ms=210, flight_ms=380, rng=None):
    rng = rng or random.Random(n)
    return [(flight_ms + rng.randint(-15, 15), None if i == 0 else contact_ms + rng.randint(-10, 10),
             peak_g + rng.uniform(-0.15, 0.15)) for i in range(n)]


def sample_history(plan, today, seed=7):
    """Synthetic earlier sessions following the plan up to (not including) today, with a story:
    goblet squat eccentrics rushed early on then in tempo, one Thursday missed, pogo landing peaks
    creeping up session by session, and a sore left side on split squats last Monday."""
    rng = random.Random(seed)
    out = []
    sid = 1000
    hop_sessions = 0
    missed = plan.start + datetime.timedelta(days=10)  # week 2 Thursday
    last_strength = max((d for d in (today - datetime.timedelta(days=k) for k in range(1, 8))
                         if (plan.session_for(d) or None) and plan.session_for(d).focus != "plyometrics"
                         and plan.session_for(d).name.startswith("Strength")), default=None)
    day = plan.start
    while day < today:
        planned = plan.session_for(day)
        if planned is not None and day != missed:
            sets = []
            for e in planned.exercises:
                unilateral = e.side == "both" and e.exercise in ("split_squat", "step_up", "single_leg_deadlift")
                for _ in range(e.sets):
                    for side in (["L", "R"] if unilateral else [None]):
                        spec = {"exercise": e.exercise, "side": side, "tempo": e.tempo, "load_kg": e.load_kg,
                                "rpe": 7, "discomfort": 1}
                        if e.mode == "hops":
                            base = 3.0 + 0.45 * hop_sessions if e.exercise == "pogo_hops" else 3.4
                            spec["hops"] = hop_series(e.hops, base, rng=rng)
                        else:
                            early = day < plan.start + datetime.timedelta(days=10)
                            spec["reps"] = reps_in_tempo(e.reps, e.tempo or "2-0-1", rng=rng,
                                                         slow_eccentric=3 if early else 0)
                            if e.exercise == "split_squat" and side == "L" and day == last_strength:
                                spec["discomfort"] = 4
                        sets.append(spec)
            if any(e.mode == "hops" for e in planned.exercises):
                hop_sessions += 1
            sid += 1
            out.append(session_bytes(sid, day, sets))
        day += datetime.timedelta(days=1)
    return out


def run_demo(out_dir, today=None, use_board=True, echo=click.echo):
    """Run the demo into out_dir; returns (report path, MergeResult)."""
    from repclip.merge import merge
    from repclip.plan import load_plan
    from repclip.report import write_report
    from repclip.store import Store

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = load_plan(SAMPLE_PLAN)
    today = today or plan.start + datetime.timedelta(days=30)  # the Wednesday hop day of week 5
    db = out_dir / "demo.db"
    if db.exists():
        db.unlink()
    with Store(db) as store:
        for raw in sample_history(plan, today):
            store.add_session(raw, source="sample-history")
        echo("seeded %d sessions of sample history (%s to %s)" % (store.count(), plan.start, today))
        if use_board:
            n = _board_session(store, out_dir, today, echo)
        else:
            n = 0
        if not n:
            store.add_session(_todays_fallback(plan, today), source="sample-today")
            echo("added today's session from the bundled description (virtual board not used)")
        sessions = store.sessions()
    result = merge(plan, sessions, today)
    path = write_report(out_dir / "report.html", plan, result)
    return path, result


def _todays_fallback(plan, today):
    planned = plan.session_for(today)
    rng = random.Random(today.toordinal())
    sets = []
    for e in planned.exercises if planned else ():
        for _ in range(e.sets):
            if e.mode == "hops":
                sets.append({"exercise": e.exercise, "hops": hop_series(e.hops, 4.4, rng=rng), "rpe": 7})
            else:
                sets.append({"exercise": e.exercise, "tempo": e.tempo, "load_kg": e.load_kg,
                             "reps": reps_in_tempo(e.reps, e.tempo or "2-0-1", rng=rng), "rpe": 7})
    return session_bytes(5000, today, sets)


def _board_session(store, out_dir, today, echo):
    """Today's session recorded by the virtual board and synced over a pty; number of sessions synced."""
    try:
        from repclip.sim import serve_link, simulate  # noqa: F401 (SIM's API)
        from repclip.link.sync import sync  # noqa: F401
    except ImportError as e:
        echo("virtual board unavailable (%s)" % e)
        return 0
    traces = sorted(DATA.glob("demo_*.csv"))
    if not traces:
        echo("no bundled demo traces in %s" % DATA)
        return 0
    return _simulate_and_sync(store, out_dir, today, traces, echo)


def _simulate_and_sync(store, out_dir, today, traces, echo):
    from repclip.link.client import LinkClient
    from repclip.link.sync import sync
    from repclip.link.transport import SerialTransport
    from repclip.sim import serve_link, simulate

    flash = out_dir / "flash"
    flash.mkdir(exist_ok=True)
    for trace in traces:
        hops = "hop" in trace.stem
        simulate(trace, flash, exercise="pogo_hops" if hops else "goblet_squat", side=None,
                 tempo=None if hops else "3-1-1", rpe=7, discomfort=1)
    with serve_link(flash) as port:
        transport = SerialTransport(port)
        try:
            report = sync(LinkClient(transport), store, now=lambda: _unix(today, 8))
        finally:
            transport.close()
    echo("synced from the virtual board: %s" % report)
    return len(getattr(report, "stored", []) or []) or 1


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="repclip-demo", show_default=True,
              help="Directory for the demo database and report.")
@click.option("--no-board", is_flag=True, help="Skip the virtual board; use a bundled session description.")
def demo_command(out_dir, no_board):
    """Run virtual board -> sync -> plan merge -> report, with no hardware."""
    from repclip.merge_cli import status_lines

    try:
        path, result = run_demo(out_dir, use_board=not no_board)
    except OSError as e:
        click.echo("error: cannot write the demo into %s: %s" % (out_dir, e), err=True)
        sys.exit(1)
    for line in status_lines(result):
        click.echo(line)
    click.echo("report: %s" % path.resolve())
