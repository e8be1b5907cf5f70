"""The capture file format of captures/: comment lines, then a host receive time and a frame per line.

    # Kaifa MA304H3E (three-phase, IT grid), 2400 8E1; ...
    2017-09-14T19:31:02.402<TAB>7EA027...7E

The receive time is the host's local time with milliseconds, or `-` when the
recording has none.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from meter_profiles import SerialSettings

from ..errors import SimulatorError

__all__ = ["Capture", "CaptureError", "CapturedFrame", "format_frame_line", "read_capture"]


_SERIAL_NOTE = re.compile(r"\b(\d{3,6}) ([78])([NEO])([12])\b")


class CaptureError(SimulatorError, ValueError):
    """A capture file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class CapturedFrame:
    """One frame as recorded: when the host received it (None if unknown) and its bytes."""

    received: datetime | None
    frame: bytes


@dataclass(frozen=True)
class Capture:
    """A whole capture file: its comment lines and its frames in order."""

    path: Path
    comments: list[str]
    frames: list[CapturedFrame]

    def serial(self) -> SerialSettings | None:
        """The serial settings the header comments name (such as "2400 8N1"), or None."""
        for comment in self.comments:
            found = _SERIAL_NOTE.search(comment)
            if found:
                baud, bits, parity, stop = found.groups()
                return SerialSettings(baud=int(baud), bytesize=int(bits), parity=parity, stopbits=int(stop))
        return None


def _parse_line(path: Path, number: int, line: str) -> CapturedFrame:
    stamp, tab, hex_text = line.partition("\t")
    if not tab:
        raise CaptureError(f"{path}:{number}: expected a receive time, a tab and a frame in hex, not {line[:40]!r}")
    try:
        received = None if stamp == "-" else datetime.fromisoformat(stamp)
    except ValueError:
        raise CaptureError(f"{path}:{number}: receive time must be ISO 8601 or -, not {stamp!r}") from None
    try:
        frame = bytes.fromhex(hex_text.strip())
    except ValueError:
        raise CaptureError(f"{path}:{number}: frame must be hex, not {hex_text.strip()[:40]!r}") from None
    return CapturedFrame(received, frame)


def read_capture(path: str | Path) -> Capture:
    """Every frame in a capture file, or a CaptureError naming the line that is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaptureError(f"cannot read capture {path}: {error.strerror}") from None
    comments, frames = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            comments.append(line[1:].strip())
        elif line.strip():
            frames.append(_parse_line(path, number, line))
    if not frames:
        raise CaptureError(f"capture {path} holds no frames")
    return Capture(path, comments, frames)


def format_frame_line(received: datetime | None, frame: bytes) -> str:
    """One frame line of a capture file (without the newline)."""
    stamp = "-" if received is None else received.isoformat(timespec="milliseconds")
    return f"{stamp}\t{frame.hex().upper()}"
