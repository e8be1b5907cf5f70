"""The sent log: one JSON object a line for every frame put on the line, the bench's ground truth.

Every line is flushed as it is written, so after a crash or an unplugged
adapter the log is complete up to the last frame that went out.
"""

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

__all__ = ["SentLog", "wall_time"]


def wall_time(mono: float, wall_minus_mono: float) -> str:
    """A monotonic instant as UTC wall-clock time, ISO 8601 with microseconds."""
    return datetime.fromtimestamp(mono + wall_minus_mono, timezone.utc).isoformat(timespec="microseconds")


class SentLog:
    """Writes sent-log entries to a file (or keeps them in memory when given no path)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._file: IO[str] | None = open(self.path, "w", encoding="utf-8") if self.path else None
        self.entries: list[dict] = [] if self._file is None else None

    def write(self, entry: dict) -> None:
        """Append one entry and flush it to the operating system."""
        if self._file is None:
            self.entries.append(entry)
            return
        self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file; safe to call twice."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "SentLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
