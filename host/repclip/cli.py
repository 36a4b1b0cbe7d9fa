"""The ``repclip`` command line.

Subcommands live in their own modules and are imported only when run, so
``repclip --help`` stays fast and a missing optional piece breaks only the
command that needs it (the lazy-group pattern from click's documentation).
"""

import importlib

import click

from repclip import __version__

# name -> "module:attribute" of a click command. Keep sorted by workflow.
COMMANDS = {
    "demo": "repclip.demo:demo_command",
    "replay": "repclip.replay:replay_command",
    "tracegen": "repclip.tracegen.cli:tracegen_command",
    "sim": "repclip.sim.cli:sim_command",
    "devices": "repclip.link.cli:devices_command",
    "sync": "repclip.link.cli:sync_command",
    "sessions": "repclip.store_cli:sessions_command",
    "plan": "repclip.plan_cli:plan_group",
    "status": "repclip.merge_cli:status_command",
    "report": "repclip.report:report_command",
    "export": "repclip.export:export_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="repclip")
def main():
    """RepClip: count reps, time tempo, measure hops; sync, plan and report."""


if __name__ == "__main__":
    main()
