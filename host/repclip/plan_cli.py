"""`repclip plan show|next|validate PLAN.toml`."""

import datetime
import json
import sys

import click

from repclip.plan import PlanError, load_plan


def _load(path):
    try:
        return load_plan(path)
    except PlanError as e:
        click.echo("error: %s" % e, err=True)
        sys.exit(2)


def _date(value):
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("%r is not a date; use YYYY-MM-DD" % value, param_hint="--date")


@click.group("plan")
def plan_group():
    """Check and read a training plan (TOML)."""


@plan_group.command("validate")
@click.argument("plan_file", type=click.Path(dir_okay=False))
def validate_command(plan_file):
    """Check PLAN_FILE; errors name the line and how to fix it."""
    plan = _load(plan_file)
    n = sum(len(b.sessions) for b in plan.blocks)
    click.echo("%s: ok (%s, %d blocks, %d weeks, %d session templates, %s to %s)"
               % (plan_file, plan.athlete, len(plan.blocks), plan.weeks, n, plan.start, plan.end))


@plan_group.command("show")
@click.argument("plan_file", type=click.Path(dir_okay=False))
def show_command(plan_file):
    """Print the plan block by block."""
    plan = _load(plan_file)
    click.echo("%s: %s to %s (%d weeks)" % (plan.athlete, plan.start, plan.end, plan.weeks))
    week = 1
    for b in plan.blocks:
        click.echo("\n%s: weeks %d-%d, focus %s" % (b.name, week, week + b.weeks - 1, b.focus))
        week += b.weeks
        for s in b.sessions:
            click.echo("  %s (%s)" % (s.name, ", ".join(str(d) for d in s.days)))
            for e in s.exercises:
                click.echo("    - %s" % e.describe())
                if e.progression:
                    click.echo("      progression: %s" % e.progression.describe())
    if plan.contingency.get("note"):
        click.echo("\nContingency: %s" % plan.contingency["note"])


@plan_group.command("next")
@click.argument("plan_file", type=click.Path(dir_okay=False))
@click.option("--date", "on", default=None, help="From this date (YYYY-MM-DD); default today.")
@click.option("--json", "as_json", is_flag=True, help="Print the device prescription as JSON.")
@click.option("--db", type=click.Path(dir_okay=False), default=None,
              help="Adjust by the stored sessions' status (hold / back off), as `repclip status` judges them.")
def next_command(plan_file, on, as_json, db):
    """The next planned session on or after today (or --date)."""
    plan = _load(plan_file)
    s = plan.next_session(_date(on))
    if s is None:
        click.echo("the plan ended on %s: nothing more is planned" % plan.end, err=True)
        sys.exit(1)
    if db is not None:
        from repclip.merge import adjusted_prescription, merge
        from repclip.merge_cli import load_inputs

        _, sessions = load_inputs(db, plan_file)
        prescription = adjusted_prescription(plan, merge(plan, sessions), s.date)
    else:
        prescription = plan.prescription_for(s.date)
    if as_json:
        click.echo(json.dumps(prescription, indent=2))
        return
    click.echo("%s %s: %s (%s, week %d, focus %s)" % (s.date.strftime("%a"), s.date, s.name, s.block, s.week, s.focus))
    for e, p in zip(s.exercises, prescription["exercises"]):
        e = e.copy(reps=p.get("reps"), hops=p.get("hops"), load_kg=p.get("load_kg"))
        why = " [%s: %s]" % (p["status"], p["because"]) if p.get("status") else ""
        click.echo("  - %s%s" % (e.describe(), why))
