"""Meter time to host time: real-time deadlines, warp, byte pacing."""

from .pacing import Pacer, parse_duration, parse_warp, sleep_until
from .zones import OffsetCache

__all__ = ["OffsetCache", "Pacer", "parse_duration", "parse_warp", "sleep_until"]
