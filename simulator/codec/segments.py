"""Lists longer than one frame: HDLC segmentation, both ways.

A meter whose information field would pass its largest (`max_info`) sends
it in pieces, each a whole HDLC frame with the segmentation bit (08 in the
format field) set on every piece but the last. The LLC header rides in the
first piece only. UI frames carry no sequence number, so a receiver can only
join pieces in the order they come and let the APDU's own lengths prove the
result: a lost, repeated or swapped piece makes a list that does not parse.
"""

from .errors import FrameError
from .hdlc import FLAG, HdlcFrame, build_frame

__all__ = ["NumberedJoiner", "Reassembler", "build_segmented", "split_frames"]


def build_segmented(dst: bytes, src: bytes, control: int, info: bytes, max_info: int | None) -> bytes:
    """The frames, back to back, that carry `info` in pieces of at most `max_info` bytes (one frame if it fits)."""
    if max_info is None or len(info) <= max_info:
        return build_frame(dst, src, control, info)
    pieces = [info[at : at + max_info] for at in range(0, len(info), max_info)]
    last = len(pieces) - 1
    return b"".join(build_frame(dst, src, control, piece, segmented=n < last) for n, piece in enumerate(pieces))


def split_frames(data: bytes) -> list[bytes]:
    """The frames in `data` (HDLC or M-Bus long frames, back to back), by their own length fields."""
    frames, pos = [], 0
    while pos < len(data):
        if data[pos] == FLAG and pos + 2 < len(data):
            end = pos + ((data[pos + 1] << 8 | data[pos + 2]) & 0x7FF) + 2
        elif data[pos] == 0x68 and pos + 1 < len(data):
            end = pos + data[pos + 1] + 6
        else:
            raise FrameError(f"byte {pos} ({data[pos]:02X}) starts neither an HDLC nor an M-Bus frame")
        frames.append(data[pos:end])
        pos = end
    return frames


class Reassembler:
    """Joins the pieces of segmented HDLC frames into whole information fields.

    A frame with the segmentation bit opens or continues a list; the first
    frame without it closes the list. A piece from other addresses starts
    afresh, as does a piece that opens with the LLC header while a list is
    open: the open list lost its last piece.
    """

    def __init__(self, llc_header: bytes = b"\xe6\xe7\x00", max_info: int = 8192) -> None:
        self._llc = llc_header
        self._max = max_info
        self._key: tuple[bytes, bytes, int] | None = None
        self._parts: list[bytes] = []
        self._size = 0
        self.dropped = 0  # open lists given up: a piece lost, a new list begun, or too long

    @property
    def idle(self) -> bool:
        """True when no list waits for its next piece."""
        return not self._parts

    def feed(self, frame: HdlcFrame) -> bytes | None:
        """Take one parsed frame; the whole information field once its last piece came, else None."""
        key = (frame.dst, frame.src, frame.control)
        if self._parts and (key != self._key or frame.info.startswith(self._llc)):
            self._drop()
        if not self._parts and not frame.segmented:
            return frame.info
        self._key = key
        self._parts.append(frame.info)
        self._size += len(frame.info)
        if self._size > self._max:
            self._drop()
            return None
        if frame.segmented:
            return None
        whole = b"".join(self._parts)
        self._parts, self._size = [], 0
        return whole

    def _drop(self) -> None:
        self.dropped += 1
        self._parts, self._size = [], 0


class NumberedJoiner:
    """Joins numbered pieces (M-Bus CI sequence, GBT block number) into a whole; a piece out of turn drops it."""

    def __init__(self, first: int) -> None:
        self._first = first
        self._parts: list[bytes] = []
        self.dropped = 0  # wholes given up: a piece missing, repeated or out of order

    def feed(self, number: int, last: bool, piece: bytes) -> bytes | None:
        """Take piece `number`; the whole once its last piece came in turn, else None."""
        if number != self._first + len(self._parts):
            self.dropped += bool(self._parts) or number != self._first
            self._parts = []
            if number != self._first:
                return None
        self._parts.append(piece)
        if not last:
            return None
        whole, self._parts = b"".join(self._parts), []
        return whole
