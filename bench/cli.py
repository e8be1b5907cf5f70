"""The `hanbench` command: one group, each command defined beside the layer it drives.

Commands load when they are run, so `hanbench decode` starts without the
broker, the gateware or the station behind the other commands.
"""

import importlib
import signal

import click

from .exits import run_with_exit_codes

__all__ = ["cli", "main"]

# Command name -> "module:attribute" of its click command, in the order help lists them.
_COMMANDS = {
    "profiles": "bench.profiles_cli:profiles",
    "decode": "bench.codec_cli:decode",
    "encode": "bench.codec_cli:encode",
    "sim": "simulator.cli:sim",
    "capture": "simulator.cli:capture",
    "replay": "simulator.cli:replay",
    "run": "bench.run_cli:run",
    "selftest": "bench.selftest.cli:selftest",
    "command": "bench.command.cli:command",
}
# Commands that open a line: the gateware package registers the simulator's --line mbus-sim on import.
_LINE_COMMANDS = frozenset(("sim", "capture", "replay", "run"))


class _LazyGroup(click.Group):
    """A group whose commands are imported when one is run or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        if cmd_name in _LINE_COMMANDS:
            importlib.import_module("hardware")
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hanbench", message="hanbench %(version)s")
def cli() -> None:
    """A simulated AMS/HAN meter and a test bench for the readers that listen to it."""


def main() -> None:
    """Entry point: run the group; a stop signal tears down and exits 130; a closed pipe ends quietly."""
    # A reader such as `head` closing the pipe is a normal end, not an error.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    run_with_exit_codes(cli)
