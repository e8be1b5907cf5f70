"""Running a meter on a line, and the sent log it writes."""

from .runner import RunStats, run_meter
from .sentlog import SentEntry, SentLog

__all__ = ["RunStats", "SentEntry", "SentLog", "run_meter"]
