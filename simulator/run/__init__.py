"""Running a meter on a line, and the sent log it writes."""

from .runner import RunStats, run_meter
from .sentlog import SentLog

__all__ = ["RunStats", "SentLog", "run_meter"]
