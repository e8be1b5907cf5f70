"""Durations ("10min", "1d", "2h30m") and warps ("60", "max") as the command line gives them."""

import re

from ..errors import ScenarioError

__all__ = ["parse_duration", "parse_warp"]

UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
PART = re.compile(r"(\d+(?:\.\d+)?)(d|h|min|m|sec|s)")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as 90s, 10min, 2h30m, 1d (a bare number is seconds)."""
    text = str(text).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ScenarioError(f"a duration must look like 90s, 10min, 2h30m or 1d, not {text!r}")
    return sum(float(number) * UNITS[unit] for number, unit in parts)


def parse_warp(text: str) -> float | None:
    """How many meter seconds pass in one wall second; None for max (as fast as the line and reader go)."""
    text = str(text).strip().lower()
    if text == "max":
        return None
    try:
        warp = float(text)
    except ValueError:
        warp = 0.0
    if warp <= 0:
        raise ScenarioError(f"--warp must be a positive number or max, not {text!r}")
    return warp
