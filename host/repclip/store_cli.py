"""`repclip sessions`: what the store holds."""

import datetime
import sys

import click


@click.command("sessions")
@click.option("--db", metavar="PATH", envvar="REPCLIP_DB", type=click.Path(dir_okay=False),
              help="Session store (default: the user data directory; env REPCLIP_DB).")
def sessions_command(db):
    """List stored sessions, oldest first."""
    from repclip.store import Store, StoreError, default_db_path

    path = db or default_db_path()
    import os

    if not os.path.exists(path):
        click.echo("no session store at %s yet: run `repclip sync` (or `repclip demo`)" % path, err=True)
        sys.exit(1)
    try:
        with Store(path) as store:
            rows = store.summaries()
    except StoreError as e:
        click.echo("error: %s" % e, err=True)
        sys.exit(1)
    if not rows:
        click.echo("%s holds no sessions" % path)
        return
    click.echo("%5s  %-16s %-18s %8s %9s %4s %5s %5s  %s" % ("KEY", "STARTED", "DEVICE", "SESSION", "BYTES",
                                                             "SETS", "REPS", "HOPS", "NOTE"))
    for r in rows:
        started = datetime.datetime.fromtimestamp(r["started_at"]).strftime("%Y-%m-%d %H:%M")
        note = "" if r["ended"] else "cut short (%s)" % (r["tail"] or "no end record")
        click.echo("%5d  %-16s %-18s %8d %9d %4d %5d %5d  %s" % (
            r["key"], started, r["device_id"][:18], r["session_id"], r["size"], r["sets"], r["reps"], r["hops"],
            note))
    click.echo("%d session%s in %s" % (len(rows), "" if len(rows) == 1 else "s", path))
