"""A chunk of bytes read as a stream: the whole frames in it and the stray bytes around them.

A reader on the wire finds a frame among noise; so does `hanbench decode`,
line by line: bytes before, between or after good frames are reported, not
fatal, and a chunk with two frames gives two.
"""

from typing import NamedTuple

from .errors import FrameError
from .hdlc import FLAG, HdlcDeframer, HdlcFrame, parse_frame

__all__ = ["FramesFound", "frames_in"]


class FramesFound(NamedTuple):
    """The frames in a chunk, checked and split into their parts, and the stray bytes: (count, where) for each run."""

    frames: list[HdlcFrame]
    stray: list[tuple[int, str]]

    def warning(self) -> str | None:
        """One line about the stray bytes, or None if there were none."""
        if not self.stray:
            return None
        return "; ".join(f"{count} stray byte{'s' if count > 1 else ''} {where}" for count, where in self.stray)


def _is_one_frame(data: bytes) -> bool:
    return len(data) > 3 and data[0] == FLAG and ((data[1] << 8 | data[2]) & 0x7FF) == len(data) - 2


def frames_in(data: bytes) -> FramesFound:
    """Every whole, valid frame in `data`; a FrameError saying why the first candidate fails if there is none."""
    if _is_one_frame(data):
        try:
            return FramesFound([parse_frame(data)], [])
        except FrameError:
            pass  # the deframer may still find a frame that shares a flag or hides behind noise
    deframer = HdlcDeframer(max_buffer=len(data) + 1)
    frames = deframer.feed(data)
    if not frames:
        start = data.find(FLAG)
        parse_frame(data if start < 0 else data[start:])  # raises the reason the first candidate fails
        raise FrameError(f"no whole frame among the {len(data)} bytes")
    return FramesFound([parse_frame(frame) for frame in frames], _stray_runs(data, frames))


def _stray_runs(data: bytes, frames: list[bytes]) -> list[tuple[int, str]]:
    runs, pos = [], 0
    for index, frame in enumerate(frames):
        start = data.find(frame, max(pos - 1, 0))  # frames may share a flag
        if start > pos:
            runs.append((start - pos, "before the first frame" if index == 0 else f"before frame {index + 1}"))
        pos = start + len(frame)
    if pos < len(data):
        runs.append((len(data) - pos, "after the last frame" if len(frames) > 1 else "after the frame"))
    return runs
