"""`repclip status`: merge the stored sessions into the plan and print push / hold / back off."""

import datetime
import json
import sys

import click

from repclip.plan import PlanError, load_plan


def fail(message, code=2):
    click.echo("error: %s" % message, err=True)
    sys.exit(code)


def load_inputs(db, plan_path):
    """(plan, sessions) or a clear error and exit."""
    from repclip.store import Store, StoreError

    if plan_path is None:
        fail("no plan given: pass --plan PLAN.toml (a sample is in repclip/data/sample_plan.toml; "
             "`repclip demo` shows one end to end)")
    try:
        plan = load_plan(plan_path)
    except PlanError as e:
        fail(str(e))
    try:
        with Store(db) as store:
            sessions = store.sessions()
    except StoreError as e:
        fail(str(e))
    return plan, sessions


def status_lines(result):
    """Short human summary of a MergeResult."""
    from repclip.merge import _label

    if result.status is None:
        return ["no planned exercise has been done yet"]
    lines = ["overall: %s (as of %s)" % (result.status.upper(), result.as_of)]
    for name, e in result.latest.items():
        if e.status is None:
            continue
        nxt = " -> next: %s" % e.next.describe() if e.next else ""
        lines.append("  %-20s %-8s %s%s" % (_label(name), e.status, "; ".join(e.reasons), nxt))
    for d, e in result.unplanned:
        lines.append("  %-20s %-8s %d %s on %s, not in the plan for that day"
                     % (_label(e.exercise), "extra", e.done, "hops" if e.mode == "hops" else "reps", d))
    missed = [c for c in result.calendar if c[2] == "missed"]
    if missed:
        lines.append("  missed planned days: %s" % ", ".join("%s %s" % (d, n) for d, n, _ in missed[-5:]))
    return lines


@click.command("status")
@click.option("--db", type=click.Path(dir_okay=False), default=None, help="Session store (default: user data dir).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), default=None, help="Training plan TOML.")
@click.option("--date", "as_of", default=None, help="Judge as of this date (YYYY-MM-DD); default: last session.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status_command(db, plan_path, as_of, as_json):
    """Done vs planned, and whether to push, hold or back off, with reasons."""
    from repclip.merge import merge

    if as_of is not None:
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            fail("--date %r is not a date; use YYYY-MM-DD" % as_of)
    plan, sessions = load_inputs(db, plan_path)
    result = merge(plan, sessions, as_of)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    for line in status_lines(result):
        click.echo(line)
