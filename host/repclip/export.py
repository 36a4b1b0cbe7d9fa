"""`repclip export csv|fit`: sets, reps and hops as CSV; sessions as FIT activity files.

FIT files are written with Garmin's own SDK (garmin-fit-sdk): file_id, a
timer start event, one SET message per set (repetitions, weight, exercise
category), rest SETs between sets, one JUMP per hop (height, hang time), a
lap, a session with sport training / sub_sport strength_training (20) and the
activity summary. Garmin Connect and other FIT readers show them as strength
workouts.
"""

import csv
import datetime
import pathlib
import sys

import click

from repclip.plan import EXERCISES

FIT_EPOCH_OFFSET = 631065600  # unix seconds at 1989-12-31T00:00:00Z, the FIT epoch

SET_COLUMNS = ["session_key", "device", "session", "date", "set", "exercise", "mode", "side", "tempo", "load_kg",
               "reps", "hops", "rpe", "discomfort"]
REP_COLUMNS = ["session_key", "date", "set", "exercise", "side", "rep", "eccentric_ms", "pause_ms", "concentric_ms",
               "rom_cm", "velocity_m_s", "tempo_eccentric", "tempo_pause", "tempo_concentric"]
HOP_COLUMNS = ["session_key", "date", "set", "exercise", "side", "hop", "flight_ms", "contact_ms", "jump_height_cm",
               "peak_g", "loading_rate_g_s", "softness"]


def _started(session):
    return int(getattr(session, "started_at", None) or session.clock or 0)


def _date(session):
    return datetime.datetime.fromtimestamp(_started(session)).date().isoformat()


def write_csv(sessions, out_dir):
    """Write sets.csv, reps.csv and hops.csv into out_dir; returns the three paths."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "sets.csv", out_dir / "reps.csv", out_dir / "hops.csv"]
    with open(paths[0], "w", newline="", encoding="utf-8") as fs, \
            open(paths[1], "w", newline="", encoding="utf-8") as fr, \
            open(paths[2], "w", newline="", encoding="utf-8") as fh:
        ws, wr, wh = csv.writer(fs), csv.writer(fr), csv.writer(fh)
        ws.writerow(SET_COLUMNS)
        wr.writerow(REP_COLUMNS)
        wh.writerow(HOP_COLUMNS)
        for sess in sessions:
            key = getattr(sess, "key", "")
            day = _date(sess)
            for s in sess.sets:
                ws.writerow([key, sess.device_id, sess.session_id, day, s.set_no, s.exercise, s.mode, s.side or "",
                             s.tempo or "", _blank(s.load_kg), len(s.reps), len(s.hops), _blank(s.rpe),
                             _blank(s.discomfort)])
                for r in s.reps:
                    wr.writerow([key, day, s.set_no, s.exercise, s.side or "", r.index, r.eccentric_ms, r.pause_ms,
                                 r.concentric_ms, _blank(r.rom_cm), _blank(r.mean_velocity_m_s),
                                 _blank(r.tempo_eccentric), _blank(r.tempo_pause), _blank(r.tempo_concentric)])
                for h in s.hops:
                    wh.writerow([key, day, s.set_no, s.exercise, s.side or "", h.index, h.flight_ms,
                                 _blank(h.contact_ms), "%.2f" % h.jump_height_cm, "%.2f" % h.peak_g,
                                 "%.1f" % h.loading_rate_g_s, h.softness])
    return paths


def _blank(v):
    return "" if v is None else v


def _set_span_ms(s):
    """(start ms since session start, duration ms) of a set."""
    ends = [r.end_us for r in s.reps] + [h.touchdown_us for h in s.hops]
    dur = max(ends) // 1000 if ends else 0
    end_t = s.end_meta.get("t_ms") if isinstance(s.end_meta, dict) else None
    if isinstance(end_t, (int, float)) and end_t > s.t_ms:
        dur = max(dur, int(end_t - s.t_ms))
    return int(s.t_ms or 0), max(dur, 1000)


def category(exercise, mode):
    """FIT exercise_category name for an exercise (squat, lunge, deadlift, plyo)."""
    return EXERCISES.get(exercise, (mode, "plyo" if mode == "hops" else "squat"))[1]


def fit_bytes(session):
    """One session as a FIT activity file (bytes)."""
    from garmin_fit_sdk import Encoder, Profile

    num = Profile["mesg_num"]
    t0 = _started(session)

    def ts(ms):
        return datetime.datetime.fromtimestamp(t0 + ms / 1000.0, tz=datetime.timezone.utc)

    enc = Encoder()
    enc.on_mesg(num["FILE_ID"], {"type": "activity", "manufacturer": "development", "product": 0,
                                 "serial_number": (session.session_id or 0) & 0xFFFFFFFF, "time_created": ts(0),
                                 "product_name": "RepClip"})
    enc.on_mesg(num["EVENT"], {"timestamp": ts(0), "event": "timer", "event_type": "start"})
    end_ms = 0
    index = 0
    prev_end = None
    for s in session.sets:
        start, dur = _set_span_ms(s)
        if prev_end is not None and start > prev_end:
            enc.on_mesg(num["SET"], {"timestamp": ts(start), "start_time": ts(prev_end),
                                     "duration": (start - prev_end) / 1000.0, "set_type": "rest",
                                     "message_index": index})
            index += 1
        count = len(s.hops) if s.mode == "hops" else len(s.reps)
        mesg = {"timestamp": ts(start + dur), "start_time": ts(start), "duration": dur / 1000.0,
                "repetitions": count, "set_type": "active", "category": [category(s.exercise, s.mode)],
                "message_index": index}
        if s.load_kg is not None:
            mesg["weight"] = float(s.load_kg)
            mesg["weight_display_unit"] = "kilogram"
        enc.on_mesg(num["SET"], mesg)
        index += 1
        for h in s.hops:
            enc.on_mesg(num["JUMP"], {"timestamp": ts(start + h.touchdown_us // 1000),
                                      "height": h.jump_height_cm / 100.0, "hang_time": h.flight_ms / 1000.0})
        prev_end = start + dur
        end_ms = max(end_ms, prev_end)
    total = end_ms / 1000.0
    enc.on_mesg(num["EVENT"], {"timestamp": ts(end_ms), "event": "timer", "event_type": "stop_all"})
    enc.on_mesg(num["LAP"], {"message_index": 0, "timestamp": ts(end_ms), "start_time": ts(0),
                             "total_elapsed_time": total, "total_timer_time": total, "sport": "training",
                             "sub_sport": "strength_training"})
    enc.on_mesg(num["SESSION"], {"message_index": 0, "timestamp": ts(end_ms), "start_time": ts(0),
                                 "total_elapsed_time": total, "total_timer_time": total, "sport": "training",
                                 "sub_sport": "strength_training", "first_lap_index": 0, "num_laps": 1})
    enc.on_mesg(num["ACTIVITY"], {"timestamp": ts(end_ms), "num_sessions": 1, "type": "manual",
                                  "total_timer_time": total, "event": "activity", "event_type": "stop"})
    return enc.close()


def fit_name(session):
    return "repclip_%s_%s_%s.fit" % (_date(session), session.device_id or "device", session.session_id)


def write_fit(sessions, out_dir):
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for sess in sessions:
        path = out_dir / fit_name(sess)
        path.write_bytes(fit_bytes(sess))
        paths.append(path)
    return paths


def _sessions(db, since):
    from repclip.merge_cli import fail
    from repclip.store import Store, StoreError

    if since is not None:
        try:
            since = datetime.datetime.combine(datetime.date.fromisoformat(since), datetime.time())
        except ValueError:
            fail("--since %r is not a date; use YYYY-MM-DD" % since)
    try:
        with Store(db) as store:
            return store.sessions(since=since)
    except StoreError as e:
        fail(str(e))


_db = click.option("--db", type=click.Path(dir_okay=False), default=None, help="Session store (default: user data dir).")
_since = click.option("--since", default=None, help="Only sessions on or after this date (YYYY-MM-DD).")
_out = click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
                    help="Directory to write into.")


@click.group("export")
def export_group():
    """Export stored sessions as CSV or FIT activity files."""


@export_group.command("csv")
@_db
@_since
@_out
def csv_command(db, since, out_dir):
    """sets.csv, reps.csv and hops.csv of every stored session."""
    sessions = _sessions(db, since)
    try:
        paths = write_csv(sessions, out_dir)
    except OSError as e:
        click.echo("error: cannot write CSV into %s: %s (choose another --out)" % (out_dir, e.strerror or e), err=True)
        sys.exit(1)
    click.echo("%d sessions -> %s" % (len(sessions), ", ".join(str(p) for p in paths)))


@export_group.command("fit")
@_db
@_since
@_out
def fit_command(db, since, out_dir):
    """One FIT activity file (strength training) per stored session."""
    sessions = _sessions(db, since)
    if not sessions:
        click.echo("error: no stored sessions%s to export (run `repclip sync` first)"
                   % ("" if since is None else " since %s" % since), err=True)
        sys.exit(1)
    try:
        paths = write_fit(sessions, out_dir)
    except OSError as e:
        click.echo("error: cannot write FIT files into %s: %s (choose another --out)" % (out_dir, e.strerror or e),
                   err=True)
        sys.exit(1)
    click.echo("%d FIT files in %s" % (len(paths), out_dir))
