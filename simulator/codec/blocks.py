"""General Block Transfer (GBT): one APDU carried in numbered blocks, each an APDU of its own.

    E0 | block control | block number (2) | acknowledged block (2) | A-XDR length | block data

Block control: bit 7 marks the last block, bit 6 streaming, bits 0-5 the
window. A pushing meter expects no acknowledgement, so it streams (window 1,
acknowledged block 0) and numbers its blocks from 1. Each block travels in
its own frame or frames; a receiver joins them in number order
(segments.NumberedJoiner, from 1), and a gap, repeat or swap drops the APDU.
"""

from typing import NamedTuple

from .axdr import content_start, encode_length
from .errors import FrameError

__all__ = ["GENERAL_BLOCK_TRANSFER", "Block", "build_blocks", "read_block"]

GENERAL_BLOCK_TRANSFER = 0xE0
_LAST, _STREAMING, _WINDOW = 0x80, 0x40, 0x01


class Block(NamedTuple):
    """One block: its number, whether it is the last, and its piece of the APDU."""

    number: int
    last: bool
    data: bytes


def build_blocks(apdu: bytes, size: int) -> list[bytes]:
    """The GBT APDUs, in order, that carry `apdu` in pieces of at most `size` bytes."""
    pieces = [apdu[at : at + size] for at in range(0, len(apdu), size)] or [b""]
    if len(pieces) > 0xFFFF:
        raise FrameError(f"an APDU of {len(apdu)} bytes needs {len(pieces)} blocks; a block number has 16 bits")
    last = len(pieces)
    return [
        bytes((GENERAL_BLOCK_TRANSFER, (_LAST if n == last else 0) | _STREAMING | _WINDOW))
        + n.to_bytes(2, "big")
        + bytes(2)
        + encode_length(len(piece))
        + piece
        for n, piece in enumerate(pieces, start=1)
    ]


def read_block(apdu: bytes) -> Block:
    """One GBT APDU's number, last-block flag and data, its length checked."""
    if len(apdu) < 7 or apdu[0] != GENERAL_BLOCK_TRANSFER:
        raise FrameError("not a general-block-transfer APDU (E0, control, two block numbers, data)")
    start = content_start(apdu, 6, "general-block-transfer")
    return Block(int.from_bytes(apdu[2:4], "big"), bool(apdu[1] & _LAST), apdu[start:])
