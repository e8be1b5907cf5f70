"""The meter: its clock, its push schedule, and the lists it sends."""

from .clock import ClockError, MeterClock, parse_start
from .meter import REPEAT_RATE, Emission, Meter
from .schedule import Push, Schedule

__all__ = ["REPEAT_RATE", "ClockError", "Emission", "Meter", "MeterClock", "Push", "Schedule", "parse_start"]
