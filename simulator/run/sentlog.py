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
from typing import Any, BinaryIO

import orjson

__all__ = ["SentLog", "wall_time"]


@lru_cache(maxsize=8)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


def wall_time(mono: float, wall_minus_mono: float) -> str:
    """A monotonic instant as UTC wall-clock time, ISO 8601 with microseconds (as datetime.isoformat writes it)."""
    fraction, second = math.modf(mono + wall_minus_mono)
    micro = round(fraction * 1_000_000)  # the fraction alone keeps every bit: the rounding datetime does
    if micro == 1_000_000:
        second, micro = second + 1, 0
    return f"{_utc_second(int(second))}.{micro:06d}+00:00"


class SentLog:
    """Writes sent-log entries to a file (or keeps them in memory when given no path)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # Unbuffered: each line is a single write(2), nothing waits in a Python buffer.
        self._file: BinaryIO | None = open(self.path, "wb", buffering=0) if self.path else None
        self.entries: list[dict[str, Any]] = []  # filled only when there is no file

    def write(self, entry: dict) -> None:
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
