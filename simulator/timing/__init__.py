"""Meter time to host time: real-time deadlines, warp, byte pacing."""

from .pacing import Pacer, parse_warp, sleep_until

__all__ = ["Pacer", "parse_warp", "sleep_until"]
