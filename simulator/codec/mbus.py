"""DLMS over wired M-Bus: long frames (EN 13757-2) carrying an APDU in segments.

    68 | L | L | 68 | C | A | CI | STSAP | DTSAP | APDU piece | CS | 16

L counts C through the last APDU byte; CS is their sum modulo 256. The CI
field of the DLMS transport numbers the pieces of one APDU (low four bits)
and marks the last piece (bit 4), so unlike HDLC a lost or repeated piece
shows in the numbering (segments.NumberedJoiner joins them, from 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import FrameError

if TYPE_CHECKING:  # the profile schema is pydantic: decoding a frame never needs it loaded
    from meter_profiles.schema import MbusSettings

__all__ = ["START", "STOP", "MbusDeframer", "MbusFrame", "build_mbus_frames", "parse_mbus_frame"]

START, STOP = 0x68, 0x16
_LAST = 0x10
_SEQUENCE = 0x0F


@dataclass(frozen=True)
class MbusFrame:
    """One long frame's fields and its piece of the APDU."""

    control: int
    address: int
    sequence: int
    last: bool
    stsap: int
    dtsap: int
    piece: bytes


def _long_frame(settings: MbusSettings, ci: int, piece: bytes) -> bytes:
    body = bytes((settings.control, settings.address, ci, settings.stsap, settings.dtsap)) + piece
    return bytes((START, len(body), len(body), START)) + body + bytes((sum(body) & 0xFF, STOP))


def build_mbus_frames(apdu: bytes, settings: MbusSettings) -> bytes:
    """The long frames, back to back, that carry `apdu` in pieces of at most `settings.max_segment` bytes."""
    size = settings.max_segment
    pieces = [apdu[at : at + size] for at in range(0, len(apdu), size)] or [b""]
    if len(pieces) > _SEQUENCE + 1:
        raise FrameError(
            f"an APDU of {len(apdu)} bytes needs {len(pieces)} M-Bus frames; the CI field numbers at most 16"
        )
    last = len(pieces) - 1
    return b"".join(_long_frame(settings, n | (_LAST if n == last else 0), piece) for n, piece in enumerate(pieces))


def parse_mbus_frame(frame: bytes) -> MbusFrame:
    """Check one long frame (start bytes, both L fields, checksum, stop byte) and split it into its fields."""
    if len(frame) < 11 or frame[0] != START or frame[3] != START:
        raise FrameError("an M-Bus long frame starts 68 L L 68 and holds at least C, A, CI and both SAPs")
    if frame[1] != frame[2]:
        raise FrameError(f"M-Bus long frame: the two L fields differ ({frame[1]:02X} and {frame[2]:02X})")
    if len(frame) != frame[1] + 6:
        raise FrameError(f"M-Bus long frame: L says {frame[1] + 6} bytes in all but {len(frame)} came")
    if frame[-1] != STOP:
        raise FrameError(f"M-Bus long frame must end with 16, not {frame[-1]:02X}")
    body = frame[4:-2]
    if sum(body) & 0xFF != frame[-2]:
        raise FrameError(f"M-Bus long frame: bad checksum {frame[-2]:02X}, expected {sum(body) & 0xFF:02X}")
    ci = body[2]
    if ci > _LAST | _SEQUENCE:
        raise FrameError(f"M-Bus CI field {ci:02X} is not a DLMS transport segment (00 to 1F)")
    return MbusFrame(body[0], body[1], ci & _SEQUENCE, bool(ci & _LAST), body[3], body[4], bytes(body[5:]))


class MbusDeframer:
    """Finds whole, valid M-Bus long frames in a byte stream fed in pieces of any size.

    A candidate starts at 68 L L 68 with both L fields equal; it is a frame
    when its stop byte and checksum are right. Anything else is skipped a
    byte at a time, so noise or a cut frame never hides the next good one.
    """

    def __init__(self, max_buffer: int = 4096) -> None:
        self._buf = bytearray()
        self._max_buffer = max_buffer
        self.discarded_bytes = 0

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return the frames completed by them, in order."""
        buf = self._buf
        buf += data
        frames, pos = [], 0
        while (start := buf.find(START, pos)) >= 0:
            self.discarded_bytes += start - pos
            if len(buf) - start < 4:
                pos = start
                break
            size = buf[start + 1] + 6
            if buf[start + 3] != START or buf[start + 1] != buf[start + 2] or buf[start + 1] < 5:
                pos = start + 1
                self.discarded_bytes += 1
                continue
            if len(buf) - start < size:
                pos = start
                break
            frame = bytes(buf[start : start + size])
            if frame[-1] == STOP and sum(frame[4:-2]) & 0xFF == frame[-2]:
                frames.append(frame)
                pos = start + size
            else:
                pos = start + 1
                self.discarded_bytes += 1
        else:
            self.discarded_bytes += len(buf) - pos
            pos = len(buf)
        del buf[:pos]
        if len(buf) > self._max_buffer:
            self.discarded_bytes += len(buf) - self._max_buffer
            del buf[: len(buf) - self._max_buffer]
        return frames
