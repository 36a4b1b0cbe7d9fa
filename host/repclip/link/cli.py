"""`repclip devices` and `repclip sync`."""

import datetime
import json
import pathlib
import sys

import click

from repclip.link.errors import LinkError


def _fail(message):
    click.echo("error: %s" % message, err=True)
    sys.exit(1)


@click.command("devices")
def devices_command():
    """List connected CircuitPython boards and which port is the RepClip data channel."""
    from repclip.link.ports import list_boards

    boards = list_boards()
    if not boards:
        click.echo("no CircuitPython board found (plug one in with a data-capable USB cable)", err=True)
        sys.exit(1)
    click.echo("%-22s %-10s %-18s %-8s %s" % ("PORT", "VID:PID", "SERIAL", "ROLE", "INTERFACE"))
    for b in boards:
        click.echo("%-22s %-10s %-18s %-8s %s" % (b.port, b.vid_pid(), b.serial_number or "-", b.role,
                                                   b.interface or "-"))


def load_prescription(path, today=None):
    """The prescription dict to push: from a plan TOML (repclip.plan) or a prescription JSON file."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise click.BadParameter("%s does not exist" % path, param_hint="--push-plan")
    if path.suffix.lower() == ".json":
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise click.BadParameter("%s is not valid JSON: %s" % (path, e), param_hint="--push-plan")
        if not isinstance(obj, dict):
            raise click.BadParameter("%s must hold a JSON object" % path, param_hint="--push-plan")
        return obj
    try:
        from repclip.plan import PlanError, load_plan
    except ImportError:
        raise click.BadParameter("plan files need repclip.plan, which is not available; pass a prescription "
                                 ".json file instead", param_hint="--push-plan")
    try:
        return load_plan(path).prescription_for(today or datetime.date.today())
    except PlanError as e:
        raise click.BadParameter(str(e), param_hint="--push-plan")


class _Bar:
    """sync progress -> click.progressbar (shown only when there is something to pull)."""

    def __init__(self):
        self.bar = None

    def start(self, total):
        if total > 0 and sys.stderr.isatty():  # scripts and CI logs get the summary only
            self.bar = click.progressbar(length=total, label="pulling sessions", file=sys.stderr)
            self.bar.__enter__()

    def update(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def finish(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("sync")
@click.option("--port", metavar="PATH", help="Serial port of the board's data channel (default: find it).")
@click.option("--db", metavar="PATH", envvar="REPCLIP_DB", type=click.Path(dir_okay=False),
              help="Session store (default: the user data directory; env REPCLIP_DB).")
@click.option("--push-plan", metavar="PLAN.toml", type=click.Path(dir_okay=False),
              help="Push today's prescription from this plan (or a prescription .json) to the board.")
@click.option("--set-clock/--no-set-clock", default=True, show_default=True,
              help="Set the board's clock from this computer.")
@click.option("--timeout", default=0.5, show_default=True, help="Seconds to wait for each answer before retrying.")
def sync_command(port, db, push_plan, set_clock, timeout):
    """Pull finished sessions off the board into the store, then free them on the board."""
    from repclip.link.client import LinkClient
    from repclip.link.ports import find_data_port
    from repclip.link.sync import sync
    from repclip.link.transport import SerialTransport
    from repclip.store import Store, StoreError

    prescription = load_prescription(push_plan) if push_plan else None
    try:
        store = Store(db)
    except StoreError as e:
        _fail(str(e))
    transport = None
    try:
        port = port or find_data_port()
        transport = SerialTransport(port)
        client = LinkClient(transport, timeout=timeout)
        report = sync(client, store, set_clock=set_clock, prescription=prescription, progress=_Bar())
    except LinkError as e:
        _fail("%s (sessions already pulled are stored; run sync again to resume)" % e)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: sessions already pulled are stored; run sync again to resume", err=True)
        sys.exit(130)
    finally:
        if transport is not None:
            transport.close()
        store.close()
    dev = report.hello.get("device", "?")
    click.echo("%s (fw %s) -> %s: %s" % (dev, report.hello.get("fw", "?"), store.path, report.summary()))
    for sid, key, size in report.pulled:
        click.echo("  session %d: %d bytes, stored as #%d" % (sid, size, key))
    for sid, reason in report.skipped:
        click.echo("  session %d skipped: %s" % (sid, reason))
    for text in report.warnings:
        click.echo("warning: %s" % text, err=True)
    if not report.ok:
        for sid, reason in report.failed:
            click.echo("error: %s%s" % ("" if sid is None else "session %d: " % sid, reason), err=True)
        sys.exit(1)
