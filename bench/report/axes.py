"""Axis ticks for the report's plots: round numbers for values and counts, the meter's own clock for time.

A run's time axis is labelled with the clock the meter put in its frames, so
a warped day reads 00:00 to 24:00 and the night daylight saving ends shows
its repeated hour, rather than the few wall seconds the run took.
"""

import math
from datetime import datetime, timedelta
from itertools import pairwise

from simulator.run.sentlog import SentEntry

__all__ = ["clock_ticks", "round_ticks"]

# Tick steps of the meter's clock, in seconds: the first that gives at most MAX_CLOCK_TICKS over the run.
CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
MAX_CLOCK_TICKS = 9
EPOCH = datetime(1970, 1, 1)


def round_ticks(low: float, high: float, most: int = 6, whole: bool = False) -> list[float]:
    """Ticks at multiples of 1, 2, 2.5 or 5 times a power of ten covering low to high, at most `most` of them (whole: integers)."""
    span = high - low
    if span <= 0:
        return [low]
    step = _round_step(span / max(1, most - 1), whole)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def _round_step(rough: float, whole: bool) -> float:
    if whole and rough <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    multiples = (1, 2, 5, 10) if whole and power == 1 else (1, 2, 2.5, 5, 10)  # a count of 2.5 is no count
    return next(m * power for m in multiples if m * power >= rough)


def clock_ticks(frames: list[SentEntry], origin: float) -> tuple[list[tuple[float, str]], str]:
    """Where the meter's clock passed round times (seconds since origin, label), and the axis title with the dates.

    The positions come from the frames (their end, monotonic) and the labels from
    the clock each carried (a wall clock without a zone), so a clock that jumps
    or repeats an hour is shown doing so.
    """
    stamps = [
        (frame["end_mono"] - origin, datetime.fromisoformat(frame["meter_time"]))
        for frame in frames
        if frame.get("meter_time")
    ]
    if not stamps:
        return [], "seconds since the first frame"
    first, last = stamps[0][1], stamps[-1][1]
    # The meter time the run covered: an hour the clock repeats counts once more, a jump back is not time gone back.
    covered = sum(max(0.0, (b - a).total_seconds()) for (_, a), (_, b) in pairwise(stamps))
    step = next((s for s in CLOCK_STEPS if covered / s <= MAX_CLOCK_TICKS), CLOCK_STEPS[-1])
    ticks, mark = [], None
    for at, clock in stamps:
        seconds = (clock - EPOCH).total_seconds()
        slot = math.floor(seconds / step)
        if slot != mark and (mark is not None or seconds % step == 0):  # the first frame only when on a round time
            ticks.append((at, _clock_label(EPOCH + timedelta(seconds=slot * step), step)))
        mark = slot
    return ticks, f"the meter's clock, {first:%Y-%m-%d %H:%M:%S} to {last:%Y-%m-%d %H:%M:%S}"


def _clock_label(tick: datetime, step: int) -> str:
    """HH:MM (HH:MM:SS for steps under a minute); midnight as the date, where the day changes."""
    if tick.hour == tick.minute == tick.second == 0:
        return f"{tick:%Y-%m-%d}"
    return f"{tick:%H:%M:%S}" if step < 60 else f"{tick:%H:%M}"
