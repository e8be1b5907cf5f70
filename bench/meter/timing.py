"""Durations ("10min", "1d") and warps ("60", "max") in the bench's own errors.

The parsing is the simulator's, so `hanbench run` and `hanbench sim` accept
exactly the same words.
"""

from simulator import timing

from ..errors import ScenarioError

__all__ = ["parse_duration", "parse_warp"]


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 90s, 10min, 2h30m or 1d (a bare number is seconds)."""
    try:
        return timing.parse_duration(text)
    except ValueError as error:
        raise ScenarioError(str(error)) from None


def parse_warp(text: str) -> float | None:
    """Meter seconds per wall second; None for max (as fast as the line and the reader go)."""
    try:
        return timing.parse_warp(text)
    except ValueError as error:
        raise ScenarioError(f"--{error}") from None
