"""The simulator's one exception base: every error it raises on purpose is a SimulatorError.

Each part keeps its own subclass (FrameError, FaultError, LineError, ...), so
a caller can catch the part it cares about, or this base for any of them; the
command line prints the message as one line and exits non-zero. The parts
whose errors callers have always caught as ValueError keep ValueError as a
second base.
"""

__all__ = ["SimulatorError"]


class SimulatorError(Exception):
    """A meter, a line, a data file or a frame the simulator was given is wrong; the message names it and the fix."""
