"""The sent log: one JSON object a line for every frame put on the line, the bench's ground truth.

Every line goes to the operating system as it is written, so after a crash or
an unplugged adapter the log is complete up to the last frame that went out.
At warp max the log takes tens of thousands of lines a second, so a line is
one orjson call and one write, and the wall clock is formatted once a second.
"""

import math
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, NotRequired, TypedDict

import orjson

__all__ = ["REQUIRED_KEYS", "AppliedFault", "SentEntry", "SentLog", "SentValues", "sent_entry", "wall_time"]


class AppliedFault(TypedDict):
    """A fault done to one frame: its kind (the key of the fault table) and what exactly was done."""

    name: str
    detail: str


class SentValues(TypedDict):
    """What a frame said: the part of an entry a publication is compared with (the station's frames have only this)."""

    meter: str
    list: int
    meter_time: NotRequired[str]  # the frame header's time; a log from before it was written lacks it
    readings: dict[str, Any]


class SentEntry(SentValues):
    """One line of the sent log: the frame, when its first and last byte went out, and what a reader should make of it.

    The writers (the meter runner, the capture replay) and the checker's reader share this one definition.
    """

    seq: int
    start_mono: NotRequired[float]  # the checker falls back to end_mono for a log without it
    end_mono: float
    start_wall: NotRequired[str]
    end_wall: NotRequired[str]
    frame: NotRequired[str]  # the bytes as sent (ciphered for an encrypting meter), upper-case hex
    faults: list[AppliedFault]
    expect_publish: bool


# The keys a sent-log line must have for the checker to judge it.
REQUIRED_KEYS = tuple(key for key in SentEntry.__annotations__ if key in SentEntry.__required_keys__)


@lru_cache(maxsize=8)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


@lru_cache(maxsize=4)  # the frames of one shared write have the same instants
def wall_time(mono: float, wall_minus_mono: float) -> str:
    """A monotonic instant as UTC wall-clock time, ISO 8601 with microseconds (as datetime.isoformat writes it)."""
    fraction, second = math.modf(mono + wall_minus_mono)
    micro = round(fraction * 1_000_000)  # the fraction alone keeps every bit: the rounding datetime does
    if micro == 1_000_000:
        second, micro = second + 1, 0
    return f"{_utc_second(int(second))}.{micro:06d}+00:00"


def sent_entry(
    seq: int,
    values: SentValues,
    frame: bytes,
    faults: list[AppliedFault],
    expect_publish: bool,
    times: tuple[float, float],
    wall_minus_mono: float,
) -> SentEntry:
    """The entry for a frame whose first and last byte went out at the monotonic `times`."""
    start, end = times
    # In the order a person reading the log wants them: which frame, when, then what it said.
    return SentEntry(
        seq=seq,
        meter=values["meter"],
        list=values["list"],
        meter_time=values.get("meter_time", ""),
        start_mono=round(start, 6),
        end_mono=round(end, 6),
        start_wall=wall_time(start, wall_minus_mono),
        end_wall=wall_time(end, wall_minus_mono),
        frame=frame.hex().upper(),
        readings=values["readings"],
        faults=faults,
        expect_publish=expect_publish,
    )


class SentLog:
    """Writes sent-log entries to a file (or keeps them in memory when given no path)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # Unbuffered: each line is a single write(2), nothing waits in a Python buffer.
        self._file: BinaryIO | None = open(self.path, "wb", buffering=0) if self.path else None
        self.entries: list[SentEntry] = []  # filled only when there is no file

    def write(self, entry: SentEntry) -> None:
        """Append one entry, straight to the operating system."""
        if self._file is None:
            self.entries.append(entry)
            return
        self._file.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> None:
        """Close the file; safe to call twice."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "SentLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
