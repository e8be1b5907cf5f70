"""HDLC frame format type 3, as AMS meters send it: no byte stuffing, an
11-bit length in the format field, HCS over the header and FCS over the frame.

Because there is no byte stuffing, 0x7E may appear inside a frame; a frame is
found by its format field and length, and proven by its two CRCs.
"""

from dataclasses import dataclass
from typing import NamedTuple

from .crc import check_sequence_ok, crc16_x25
from .errors import FrameError

__all__ = ["FLAG", "DeframerStats", "HdlcDeframer", "HdlcFrame", "build_frame", "parse_frame"]

FLAG = 0x7E
_FORMAT_TYPE_3 = 0xA000
_SEGMENTED = 0x0800
_MAX_LENGTH = 0x7FF
# format (2) + dst (1) + src (1) + control (1) + HCS (2) + FCS (2)
_MIN_LENGTH = 9
# The most bytes after the opening flag a header can take: format (2), two 4-byte addresses, control, HCS (2).
_HEADER_SPAN = 13
# A frame's first _HEADER_SPAN bytes after the flag -> its parsed, HCS-checked header: (dst, src, control,
# where the information field starts, segmented). A meter sends a handful, so each is parsed once.
_HEADERS: dict[bytes, tuple[bytes, bytes, int, int, bool]] = {}
_HEADERS_MAX = 1024


class HdlcFrame(NamedTuple):
    """The parts of one HDLC frame: addresses, control byte and information field (a tuple: made per frame, fast)."""

    dst: bytes
    src: bytes
    control: int
    info: bytes
    segmented: bool = False


def _address_end(buf: bytes | bytearray, pos: int, limit: int) -> int:
    """Index just past an HDLC address starting at pos (its last byte has the low bit set), or -1."""
    for end in range(pos, min(pos + 4, limit)):
        if buf[end] & 1:
            return end + 1
    return -1


def _crc_bytes(value: int) -> bytes:
    # HCS and FCS are sent low byte first.
    return bytes((value & 0xFF, value >> 8))


def build_frame(dst: bytes, src: bytes, control: int, info: bytes, segmented: bool = False) -> bytes:
    """A whole frame, flags included, with the length, HCS and FCS filled in (and the segmentation bit if asked)."""
    length = 2 + len(dst) + len(src) + 1 + 2 + len(info) + 2
    if length > _MAX_LENGTH:
        raise FrameError(f"frame of {length} bytes is longer than the 11-bit length field allows ({_MAX_LENGTH})")
    header = (
        (_FORMAT_TYPE_3 | (_SEGMENTED if segmented else 0) | length).to_bytes(2, "big") + dst + src + bytes((control,))
    )
    header += _crc_bytes(crc16_x25(header))
    body = header + info
    return bytes((FLAG,)) + body + _crc_bytes(crc16_x25(body)) + bytes((FLAG,))


def _header_end(buf: bytes | bytearray, start: int, limit: int) -> int:
    """Index just past the HCS of a frame whose opening flag is at start, or -1 if malformed."""
    dst_end = _address_end(buf, start + 3, limit)
    if dst_end < 0:
        return -1
    src_end = _address_end(buf, dst_end, limit)
    if src_end < 0:
        return -1
    return src_end + 3  # control byte and HCS


def parse_frame(frame: bytes) -> HdlcFrame:
    """Check one whole frame (flags, format, length, HCS, FCS) and split it into its parts."""
    if len(frame) < _MIN_LENGTH + 2:
        raise FrameError(f"frame of {len(frame)} bytes is shorter than the {_MIN_LENGTH + 2} an HDLC frame needs")
    if frame[0] != FLAG:
        raise FrameError(f"frame must start with flag 7E, not {frame[0]:02X}")
    fmt = frame[1] << 8 | frame[2]
    if fmt & 0xF000 != _FORMAT_TYPE_3:
        raise FrameError(f"format field must be type 3 (A...), not {fmt:04X}")
    length = fmt & _MAX_LENGTH
    if length > len(frame) - 2:
        raise FrameError(f"truncated: the length field says {length} bytes between the flags but {len(frame) - 2} came")
    if length < len(frame) - 2:
        raise FrameError(f"the length field says {length} bytes between the flags but {len(frame) - 2} came")
    if frame[-1] != FLAG:
        raise FrameError(f"frame must end with flag 7E, not {frame[-1]:02X}")
    # The header depends on these bytes alone once the length is right, so a seen one is not parsed again.
    span = bytes(frame[1 : 1 + _HEADER_SPAN])
    header = _HEADERS.get(span)
    if header is None:
        header = _parse_header(frame, fmt)
        if len(_HEADERS) < _HEADERS_MAX:
            _HEADERS[span] = header
    if not check_sequence_ok(frame[1:-1]):
        fcs = frame[-3] | frame[-2] << 8
        raise FrameError(f"bad FCS {fcs:04X}, expected {crc16_x25(frame[1:-3]):04X}")
    dst, src, control, info_start, segmented = header
    return HdlcFrame(dst, src, control, bytes(frame[info_start:-3]), segmented)


def _parse_header(frame: bytes, fmt: int) -> tuple[bytes, bytes, int, int, bool]:
    """A whole frame's addresses, control, information field start and segmentation bit, its HCS checked."""
    dst_end = _address_end(frame, 3, len(frame) - 1)
    src_end = _address_end(frame, dst_end, len(frame) - 1) if dst_end > 0 else -1
    header_end = src_end + 3
    if src_end < 0 or header_end > len(frame) - 3:
        raise FrameError("header is malformed: an address has no end byte")
    hcs = frame[header_end - 2] | frame[header_end - 1] << 8
    if crc16_x25(frame[1 : header_end - 2]) != hcs:
        raise FrameError(f"bad HCS {hcs:04X}, expected {crc16_x25(frame[1 : header_end - 2]):04X}")
    return bytes(frame[3:dst_end]), bytes(frame[dst_end:src_end]), frame[src_end], header_end, bool(fmt & _SEGMENTED)


@dataclass
class DeframerStats:
    """What a deframer has seen: good frames, rejected candidates, bytes thrown away."""

    frames: int = 0
    bad_crc: int = 0
    truncated: int = 0
    discarded_bytes: int = 0


class HdlcDeframer:
    """Finds whole, valid frames in any byte stream, fed in pieces of any size.

    A candidate starts at a flag followed by a type-3 format field and a header
    whose HCS is right. While a candidate waits for the rest of its length, the
    bytes after it are searched for a complete valid frame: if one is found, the
    candidate was a truncated frame and is dropped, so a truncation never delays
    or loses the next good frame.
    """

    def __init__(self, max_buffer: int = 4096) -> None:
        self._buf = bytearray()
        self._max_buffer = max_buffer
        # Index in the buffer of the last good frame's closing flag, which may also
        # open the next frame (HDLC lets frames share a flag), or -1.
        self._shared_flag = -1
        self.stats = DeframerStats()

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return the frames completed by them, in order."""
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        pos, shared = 0, self._shared_flag
        while True:
            start = buf.find(FLAG, pos)
            if start < 0:
                self.stats.discarded_bytes += len(buf) - pos
                pos = len(buf)
                break
            self.stats.discarded_bytes += start - pos
            verdict = self._candidate(buf, start)
            if verdict == "wait":
                found = self._complete_frame_after(buf, start)
                if found is None:
                    pos = start
                    break
                self.stats.truncated += 1
                self.stats.discarded_bytes += found - start - (start == shared)
                start = found
                verdict = "frame"
            if verdict == "frame":
                end = start + ((buf[start + 1] << 8 | buf[start + 2]) & _MAX_LENGTH) + 1
                frames.append(bytes(buf[start : end + 1]))
                self.stats.frames += 1
                pos = shared = end
            else:
                self.stats.discarded_bytes += start != shared
                pos = start + 1
        del buf[:pos]
        self._shared_flag = shared - pos if shared >= pos else -1
        if len(buf) > self._max_buffer:
            self.stats.discarded_bytes += len(buf) - self._max_buffer
            del buf[: len(buf) - self._max_buffer]
            self._shared_flag = -1
        return frames

    def _candidate(self, buf: bytearray, start: int) -> str:
        """Judge the flag at start: 'frame' (whole and valid), 'wait' (so far so good) or 'no'."""
        if len(buf) - start < 3:
            return "wait"
        fmt = buf[start + 1] << 8 | buf[start + 2]
        length = fmt & _MAX_LENGTH
        if fmt & 0xF000 != _FORMAT_TYPE_3 or length < _MIN_LENGTH:
            return "no"
        header_end = _header_end(buf, start, len(buf))
        if header_end < 0:
            return "wait" if len(buf) - start < 3 + 8 else "no"
        if header_end > start + length - 1:
            return "no"
        if len(buf) < header_end:
            return "wait"
        hcs = buf[header_end - 2] | buf[header_end - 1] << 8
        if crc16_x25(buf[start + 1 : header_end - 2]) != hcs:
            self.stats.bad_crc += 1
            return "no"
        end = start + length + 1  # index of the closing flag
        if len(buf) <= end:
            return "wait"
        if buf[end] != FLAG:
            self.stats.truncated += 1
            return "no"
        fcs = buf[end - 2] | buf[end - 1] << 8
        if crc16_x25(buf[start + 1 : end - 2]) != fcs:
            self.stats.bad_crc += 1
            return "no"
        return "frame"

    def _complete_frame_after(self, buf: bytearray, start: int) -> int | None:
        """The start of the first whole valid frame after start, if the buffer holds one."""
        probe = buf.find(FLAG, start + 1)
        saved = (self.stats.bad_crc, self.stats.truncated)
        try:
            while probe >= 0:
                if self._candidate(buf, probe) == "frame":
                    return probe
                probe = buf.find(FLAG, probe + 1)
            return None
        finally:
            # Look-ahead probes are not verdicts on the stream: the bytes are judged again later.
            self.stats.bad_crc, self.stats.truncated = saved
