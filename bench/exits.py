"""How the `hanbench` command ends: its exit codes, and a stop signal that unwinds through every teardown.

0 PASS, 1 FAIL, 2 the bench's own problem or a usage error, 130 interrupted.
SIGINT, SIGTERM and SIGHUP alike raise Interrupted in the main thread, so
every `finally` on the way (the loop's teardown, the station's records) runs
before the exit; the children die with the bench in any case (bench.process).
"""

import signal
import sys

import click

from .errors import Interrupted

__all__ = ["EXIT_INTERRUPTED", "STOP_SIGNALS", "run_with_exit_codes"]

EXIT_INTERRUPTED = 130
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum, _frame) -> None:
    """The first stop signal unwinds the command through its teardown; more signals would cut the teardown short."""
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def run_with_exit_codes(group: click.Command) -> None:
    """Run the command group and exit with its status; an interruption exits 130 after the teardown."""
    for stop in STOP_SIGNALS:
        signal.signal(stop, _interrupt)
    try:
        # Not standalone: click would turn an interruption into "Aborted!" and exit status 1, a FAIL's.
        status = group.main(standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort as abort:
        why = abort.__cause__ if isinstance(abort.__cause__, KeyboardInterrupt) else None
        click.echo(f"interrupted ({why or 'SIGINT'}); everything the bench started is stopped", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(status if isinstance(status, int) else 0)
