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
from repclip.link.errors import LinkError
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


def sample_history(plan, today, seed=7, skip=None):
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
        if planned is not None and day != missed and day != skip:
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


TRACES = {"goblet_squat": DATA / "demo_goblet_squat.csv", "pogo_hops": DATA / "demo_pogo_hops.csv"}
DEMO_WEEK = 5  # the demo's day falls in this week of the sample plan (Elastic block: squats and hops)


def demo_plan(out_dir, today):
    """The sample plan moved so that `today` falls in week DEMO_WEEK; written to out_dir/plan.toml."""
    from repclip.plan import load_plan

    monday = today - datetime.timedelta(days=today.weekday())
    start = monday - datetime.timedelta(days=7 * (DEMO_WEEK - 1))
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    original = load_plan(SAMPLE_PLAN).start
    text = text.replace("start = %s" % original.isoformat(), "start = %s" % start.isoformat(), 1)
    path = pathlib.Path(out_dir) / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


def todays_slot(plan, today):
    """The planned session today's workout counts for: today's, else the nearest earlier one in the window."""
    for back in range(0, plan.contingency["window_days"] + 1):
        s = plan.session_for(today - datetime.timedelta(days=back))
        if s is not None:
            return s
    return None


def run_demo(out_dir, use_board=True, echo=click.echo, today=None, sets=None):
    """Virtual board -> sync -> merge -> report into out_dir; returns (report path, MergeResult).

    The board records `sets` sets (default: as prescribed) of goblet squats and of pogo hops from the bundled
    traces; the plan is the sample moved so the board's day lands in week 5; earlier weeks are sample history.
    """
    from repclip.merge import merge
    from repclip.report import write_report
    from repclip.store import Store

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    recorded = []
    if use_board:
        recorded = _record_on_board(out_dir / "flash", sets, echo)
    if recorded:
        day = _day_of(recorded[0])
    else:
        day = today or datetime.date.today()
    plan = demo_plan(out_dir, day)
    slot = todays_slot(plan, day)
    db = out_dir / "demo.db"
    if db.exists():
        db.unlink()
    with Store(db) as store:
        for raw in sample_history(plan, day, skip=slot.date if slot and slot.date != day else None):
            store.add_session(raw, source="sample-history")
        echo("seeded %d sessions of sample history (%s to %s)" % (store.count(), plan.start,
                                                                   day - datetime.timedelta(days=1)))
        board_done = set()
        if recorded:
            try:
                board_done = _sync_from_board(store, out_dir / "flash", day, echo)
            except (LinkError, OSError) as e:
                echo("sync from the virtual board failed (%s); using the sample description" % e)
        rest = [e for e in (slot.exercises if slot else ()) if e.exercise not in board_done]
        if rest:
            store.add_session(_sample_today(rest, day), source="sample-today")
            echo("today's %s from the sample description (no bundled trace for them)"
                 % ", ".join(e.exercise.replace("_", " ") for e in rest) if board_done else
                 "today's session from the sample description (virtual board not used)")
        sessions = store.sessions()
    result = merge(plan, sessions, day)
    path = write_report(out_dir / "report.html", plan, result)
    if recorded:
        try:
            result.pushed = _push_next(out_dir / "flash", plan, result, day, echo)
        except (LinkError, OSError) as e:
            echo("pushing the next session to the virtual board failed: %s" % e)
    return path, result


def _push_next(flash, plan, result, day, echo):
    """Send the next planned day, adjusted by the status, to the board (as `sync --push-plan` does)."""
    from repclip.link.client import LinkClient
    from repclip.link.transport import SerialTransport
    from repclip.merge import adjusted_prescription
    from repclip.sim import serve_link

    nxt = plan.next_session(day + datetime.timedelta(days=1))
    if nxt is None:
        return None
    prescription = adjusted_prescription(plan, result, nxt.date)
    with serve_link(flash) as port:
        transport = SerialTransport(str(port))
        try:
            LinkClient(transport).push_plan(prescription)
        finally:
            transport.close()
        received = list(port.plans)
    held = [e["exercise"].replace("_", " ") for e in prescription["exercises"] if e.get("status")]
    echo("pushed %s %s (%s) to the board%s" % (nxt.date.strftime("%a"), nxt.date, nxt.name,
                                              "; adjusted: " + ", ".join(held) if held else ""))
    return received[-1] if received else None


def _day_of(raw):
    from repclip.merge import session_date
    from repclip.session import parse_session

    s = parse_session(raw)
    return session_date(s) if s.clock and s.clock > 1_500_000_000 else datetime.date.today()


def _sample_today(exercises, day):
    rng = random.Random(day.toordinal())
    sets = []
    for e in exercises:
        unilateral = e.side == "both" and e.exercise in ("split_squat", "step_up", "single_leg_deadlift")
        for _ in range(e.sets):
            for side in (["L", "R"] if unilateral else [None]):
                if e.mode == "hops":
                    sets.append({"exercise": e.exercise, "side": side, "hops": hop_series(e.hops, 3.6, rng=rng),
                                 "rpe": 7, "discomfort": 1})
                else:
                    sets.append({"exercise": e.exercise, "side": side, "tempo": e.tempo, "load_kg": e.load_kg,
                                 "reps": reps_in_tempo(e.reps, e.tempo or "2-0-1", rng=rng), "rpe": 7,
                                 "discomfort": 1})
    return session_bytes(5000, _unix(day, 18), sets)


def _record_on_board(flash, sets, echo):
    """Run the firmware on the virtual board over the bundled traces; the recorded session files."""
    try:
        from repclip.sim import simulate
    except ImportError as e:
        echo("virtual board unavailable (%s); using the sample description" % e)
        return []
    flash.mkdir(parents=True, exist_ok=True)
    recorded = []
    for exercise, trace in TRACES.items():
        hops = exercise == "pogo_hops"
        for _ in range(sets or 3):
            try:
                res = simulate(trace, flash, exercise=exercise, mode="hops" if hops else "strength",
                               tempo=None if hops else "3-1-1", rpe=7, discomfort=1)
            except Exception as e:  # the virtual board is another team's moving part: fall back, say why
                echo("virtual board failed on %s (%s: %s); using the sample description"
                     % (trace.name, type(e).__name__, e))
                return []
            recorded.extend(res.session_bytes(sid) for sid in res.session_ids)
    echo("virtual board recorded %d session%s (%d sets of goblet squats, %d of pogo hops)"
         % (len(recorded), "" if len(recorded) == 1 else "s", sets or 3, sets or 3))
    return [r for r in recorded if r]


def _sync_from_board(store, flash, day, echo):
    """Sync the virtual board's flash over a pty like a real board; the exercises it delivered."""
    from repclip.link.client import LinkClient
    from repclip.link.sync import sync
    from repclip.link.transport import SerialTransport
    from repclip.sim import serve_link

    with serve_link(flash) as port:
        transport = SerialTransport(str(port))
        try:
            report = sync(LinkClient(transport), store)
        finally:
            transport.close()
    echo("synced from the virtual board over %s: %s" % (port, report.summary()))
    done = set()
    for s in store.sessions():
        if s.source == "device":
            done.update(x.exercise for x in s.sets)
    return done


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="repclip-demo", show_default=True,
              help="Directory for the demo database, plan and report.")
@click.option("--no-board", is_flag=True, help="Skip the virtual board; use the bundled session description.")
@click.option("--sets", type=click.IntRange(1, 5), default=None, help="Sets per exercise on the virtual board.")
def demo_command(out_dir, no_board, sets):
    """Run virtual board -> sync -> plan merge -> report, with no hardware."""
    from repclip.merge_cli import status_lines

    try:
        path, result = run_demo(out_dir, use_board=not no_board, sets=sets)
    except OSError as e:
        click.echo("error: cannot write the demo into %s: %s" % (out_dir, e), err=True)
        sys.exit(1)
    for line in status_lines(result):
        click.echo(line)
    click.echo("plan: %s" % (pathlib.Path(out_dir) / "plan.toml"))
    click.echo("report: %s" % path.resolve())
