"""Durations ("10min", "1d") and warps ("60", "max") in the bench's own errors.

The parsing is the simulator's, so `hanbench run` and `hanbench sim` accept
exactly the same words.
"""

import math

from simulator import timing

from ..errors import RunOptionError

__all__ = ["MAX_DURATION_S", "WARP_RANGE", "parse_duration", "parse_warp"]

# A run is judged at its end: a year of meter time is already weeks of sent log at any warp that a reader keeps up with.
MAX_DURATION_S = 366 * 86400.0
# Slower than a thousandth of real time a run would not end; faster than a million, `max` says it better.
WARP_RANGE = (0.001, 1e6)


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 90s, 10min, 2h30m or 1d (a bare number is seconds), above 0 and at most a year."""
    try:
        seconds = timing.parse_duration(text)
    except ValueError as error:
        raise RunOptionError(f"--duration: {error}") from None
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_DURATION_S):
        raise RunOptionError(f"--duration must be above 0 and at most 366d, not {text!r}: give 90s, 10min or 2d")
    return seconds


def parse_warp(text: str) -> float | None:
    """Meter seconds per wall second; None for max (as fast as the line and the reader go)."""
    try:
        warp = timing.parse_warp(text)
    except ValueError as error:
        raise RunOptionError(f"--{error}") from None
    low, high = WARP_RANGE
    if warp is not None and not (math.isfinite(warp) and low <= warp <= high):
        raise RunOptionError(f"--warp must be between {low:g} and {high:g}, or max, not {text!r}")
    return warp
