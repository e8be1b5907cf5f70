"""The `hanbench` command: one group, each command defined beside the layer it drives."""

import signal
import sys

import click

from .codec_cli import decode, encode, profiles
from .errors import Interrupted
from .run_cli import run
from .selftest.cli import selftest
from simulator.cli import capture, replay, sim
import hardware  # noqa: F401  (registers the simulator's --line mbus-sim)

__all__ = ["EXIT_INTERRUPTED", "main", "cli"]

EXIT_INTERRUPTED = 130
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hanbench", message="hanbench %(version)s")
def cli() -> None:
    """A simulated AMS/HAN meter and a test bench for the readers that listen to it."""


for command in (profiles, decode, encode, sim, capture, replay, run, selftest):
    cli.add_command(command)


def _interrupt(signum, _frame) -> None:
    """The first stop signal unwinds the command through its teardown; more signals would cut the teardown short."""
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def main() -> None:
    """Entry point: run the group; a stop signal tears down and exits 130; a closed pipe ends quietly."""
    # A reader such as `head` closing the pipe is a normal end, not an error.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for stop in STOP_SIGNALS:
        signal.signal(stop, _interrupt)
    try:
        # Not standalone: click would turn an interruption into "Aborted!" and exit status 1, a FAIL's.
        status = cli.main(standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort as abort:
        why = abort.__cause__ if isinstance(abort.__cause__, KeyboardInterrupt) else None
        click.echo(f"interrupted ({why or 'SIGINT'}); everything the bench started is stopped", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(status if isinstance(status, int) else 0)
