"""The M-Bus line emulator's host protocol: the one opcode table both the gateware and the host use.

The emulator (gateware in `hardware/gateware/`) takes commands from the host
over a fast UART. The gateware's command parser is generated from `ARG_BYTES`,
and `pack` below builds the bytes from the same table, so the two cannot
disagree. The host side (`client.py`, `mbus_line.py`) and the gateware both
import it from here.

Wire format, host to board: one opcode byte, then its argument bytes, little
endian. `DATA` carries a count byte (0 means 256) and that many line bytes.
Every command except `STATUS` takes one entry of the board's transmit FIFO
per line byte (or one entry for a setting, fault or timed level); `STATUS`
is answered at once with `STATUS, free_lo, free_hi, flags` and is how the
host learns how many entries it may send (credit flow control: the board's
FIFO only ever drains between two replies, so no byte is dropped).
"""

from __future__ import annotations

import enum

from simulator.lines import LineError

__all__ = [
    "ARG_BYTES",
    "BOARD_CLOCK_HZ",
    "HOST_BAUD",
    "MAX_DATA",
    "MAX_DURATION",
    "PARITY_SLOT",
    "STATUS_BYTES",
    "LineError",
    "Opcode",
    "Parity",
    "Status",
    "StatusFlag",
    "checked",
    "divisor_for",
    "pack",
    "pack_data",
    "pack_format",
    "pack_stretch",
    "parity_of",
    "unpack_status",
]

# The board as built (board.py takes these from here): its clock, and its host link's rate,
# which the FT2232H makes exactly (3 MHz / 3).
BOARD_CLOCK_HZ = 12_000_000
HOST_BAUD = 1_000_000


class Opcode(enum.IntEnum):
    """Host-protocol opcodes; the values are on the wire and in the FIFO."""

    DATA = 0x01  # count (0 = 256), then the bytes to put on the line
    SET_DIVISOR = 0x02  # u16: clock cycles per line bit
    SET_FORMAT = 0x03  # u8: bits 1:0 parity (Parity), bit 2 two stop bits
    FLIP = 0x04  # u16: XOR mask over the next character's bit slots (slot 0 = start bit)
    STRETCH = 0x05  # u8 slot, i16 cycles added to that slot of the next character
    BREAK = 0x06  # u24: bit times of space
    GLITCH = 0x07  # u24: clock cycles of space
    POWER_OFF = 0x08  # u24: bit times with the line unpowered
    WAIT = 0x09  # u24: bit times of idle mark
    STATUS = 0x0A  # no argument; answered at once, never queued


# Argument bytes after each opcode (for DATA: the count byte only).
ARG_BYTES = {
    Opcode.DATA: 1,
    Opcode.SET_DIVISOR: 2,
    Opcode.SET_FORMAT: 1,
    Opcode.FLIP: 2,
    Opcode.STRETCH: 3,
    Opcode.BREAK: 3,
    Opcode.GLITCH: 3,
    Opcode.POWER_OFF: 3,
    Opcode.WAIT: 3,
    Opcode.STATUS: 0,
}
STATUS_BYTES = 4
PARITY_SLOT = 9  # start bit, eight data bits, then the parity bit
MAX_DATA = 256
MAX_DURATION = (1 << 24) - 1


class Parity(enum.IntEnum):
    """Line parity as the SET_FORMAT command encodes it."""

    NONE = 0
    EVEN = 1
    ODD = 2


class StatusFlag(enum.IntFlag):
    """Bits of the status reply's flag byte; the error bits clear when read."""

    IDLE = 0x01  # FIFO empty and the line at rest
    OVERFLOW = 0x02  # a command arrived with the FIFO full and was dropped
    BAD_OPCODE = 0x04  # a byte that is no opcode arrived where one was expected


class Status:
    """A decoded status reply: free FIFO entries and flags."""

    def __init__(self, free: int, flags: StatusFlag):
        self.free = free
        self.flags = flags

    def __repr__(self) -> str:
        return f"Status(free={self.free}, flags={self.flags!r})"


def checked(name: str, value: int, low: int, high: int) -> int:
    """`value` if it is an integer in [low, high]; otherwise a LineError naming `name` and the range."""
    if not isinstance(value, int) or not low <= value <= high:
        raise LineError(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def pack(opcode: Opcode, value: int = 0) -> bytes:
    """The wire bytes of one non-DATA command with its argument `value`."""
    opcode = Opcode(opcode)
    if opcode is Opcode.DATA:
        raise LineError("pack() takes a setting, fault or STATUS, not DATA; use pack_data()")
    width = ARG_BYTES[opcode]
    checked(f"{opcode.name} argument", value, 0, (1 << (8 * width)) - 1)
    return bytes([opcode]) + value.to_bytes(width, "little")


def pack_data(data: bytes) -> bytes:
    """The wire bytes of DATA commands carrying `data` (split every 256 bytes)."""
    out = bytearray()
    for start in range(0, len(data), MAX_DATA):
        chunk = data[start : start + MAX_DATA]
        out += bytes([Opcode.DATA, len(chunk) % MAX_DATA]) + chunk
    return bytes(out)


def pack_format(parity: Parity | str, stop_bits: int) -> bytes:
    """SET_FORMAT for a parity ("N"/"E"/"O" or Parity) and 1 or 2 stop bits."""
    checked("stop bits", stop_bits, 1, 2)
    return pack(Opcode.SET_FORMAT, int(parity_of(parity)) | (stop_bits - 1) << 2)


def parity_of(parity: Parity | str) -> Parity:
    """The Parity for a profile's letter ("N", "E", "O") or a Parity."""
    if not isinstance(parity, str):
        return Parity(parity)
    letters = {"N": Parity.NONE, "E": Parity.EVEN, "O": Parity.ODD}
    if parity not in letters:
        raise LineError(f"parity must be one of N, E, O, not {parity!r}")
    return letters[parity]


def pack_stretch(slot: int, cycles: int) -> bytes:
    """STRETCH: lengthen (cycles > 0) or shorten one bit slot of the next character."""
    checked("slot", slot, 0, 11)
    checked("stretch cycles", cycles, -(1 << 15), (1 << 15) - 1)
    return pack(Opcode.STRETCH, slot | (cycles & 0xFFFF) << 8)


def divisor_for(clock_hz: int, baud: int) -> int:
    """Clock cycles per bit for `baud`, refusing rates the clock cannot make within 1 %."""
    divisor = round(clock_hz / baud)
    if not 2 <= divisor <= 0xFFFF or abs(clock_hz / divisor - baud) > baud / 100:
        raise LineError(f"baud must be reachable from a {clock_hz} Hz clock within 1 %, not {baud!r}")
    return divisor


def unpack_status(reply: bytes) -> Status:
    """Decode a status reply, or raise LineError naming what came instead."""
    if len(reply) != STATUS_BYTES or reply[0] != Opcode.STATUS:
        raise LineError(f"expected a {STATUS_BYTES}-byte status reply starting 0A, not {reply.hex() or 'nothing'}")
    return Status(int.from_bytes(reply[1:3], "little"), StatusFlag(reply[3]))
