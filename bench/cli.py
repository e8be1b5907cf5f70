"""The `hanbench` command: one group, each command defined beside the layer it drives."""

import signal

import click

from .codec_cli import decode, encode, profiles
from .command.cli import command
from .exits import run_with_exit_codes
from .run_cli import run
from .selftest.cli import selftest
from simulator.cli import capture, replay, sim
import hardware  # noqa: F401  (registers the simulator's --line mbus-sim)

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hanbench", message="hanbench %(version)s")
def cli() -> None:
    """A simulated AMS/HAN meter and a test bench for the readers that listen to it."""


for subcommand in (profiles, decode, encode, sim, capture, replay, run, selftest, command):
    cli.add_command(subcommand)


def main() -> None:
    """Entry point: run the group; a stop signal tears down and exits 130; a closed pipe ends quietly."""
    # A reader such as `head` closing the pipe is a normal end, not an error.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    run_with_exit_codes(cli)
