"""The station's exceptions: each names what was expected, what came, and what to do."""

from ..errors import BenchError

__all__ = ["FlashError", "LimitsError", "RecordError", "SelftestError"]


class SelftestError(BenchError):
    """The station itself could not run a unit (not a board that failed its test)."""


class LimitsError(SelftestError):
    """The limits or burst data file is missing or malformed."""


class RecordError(SelftestError):
    """A record directory or a record in it cannot be written or read."""


class FlashError(SelftestError):
    """esptool could not be run, or could not reach the board's chip."""
