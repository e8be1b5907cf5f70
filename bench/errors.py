"""The bench's exceptions: each says what was expected, what came, and what to do.

Every layer of the bench raises its own subclass so the command line can print
one line (the message) and exit non-zero, while a library user can catch the
layer it cares about.
"""

__all__ = [
    "BenchError",
    "BrokerError",
    "CheckError",
    "DutError",
    "DutStateError",
    "Interrupted",
    "MeterError",
    "RunOptionError",
    "RunSetError",
]


class BenchError(Exception):
    """Any failure of the bench itself (not of the reader it judges)."""


class BrokerError(BenchError):
    """The MQTT broker could not be started, reached or stopped."""


class DutError(BenchError):
    """The device under test could not be built, started or waited for."""


class DutStateError(DutError):
    """A DUT was used out of its life cycle's order (for example, waited on before it was started)."""


class MeterError(BenchError):
    """The simulated meter or its line could not be run."""


class CheckError(BenchError):
    """The logs a verdict is made from are missing or malformed."""


class RunOptionError(BenchError):
    """A run's option (its meter's scenario, fault plan, start, duration, warp or a limit) is unknown or malformed."""


class RunSetError(RunOptionError):
    """The run-set file is unreadable or malformed, or names no set of that name."""


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP alike: unwind through every teardown, then exit 130.

    A KeyboardInterrupt, so no `except Exception` on the way swallows it and
    the commands that end gracefully on Ctrl-C do the same on SIGTERM.
    """
