"""The M-Bus line emulator's host protocol, and the line class that speaks it to a board.

The emulator (gateware in `hardware/`) takes commands from the host over a
fast UART. This module owns the one opcode table that both sides use: the
gateware's command parser is generated from `ARG_BYTES`, and `pack` below
builds the bytes from the same table, so the two cannot disagree. It lives in
the simulator because the simulator drives a real board through it; the
gateware imports it from here (imports point from hardware to simulator).

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
import time
from collections.abc import Callable
from typing import Protocol

import serial

from meter_profiles import SerialSettings

from .base import Line, LineError
from .serial_port import open_error

__all__ = [
    "ARG_BYTES",
    "BOARD_CLOCK_HZ",
    "HOST_BAUD",
    "PARITY_SLOT",
    "STATUS_BYTES",
    "LineError",
    "MbusEmulator",
    "MbusLine",
    "Opcode",
    "Parity",
    "Status",
    "StatusFlag",
    "divisor_for",
    "pack",
    "pack_data",
    "pack_format",
    "pack_stretch",
    "unpack_status",
]

# The board as built (hardware/board.py takes these from here): its clock, and its host link's rate,
# which the FT2232H makes exactly (3 MHz / 3).
BOARD_CLOCK_HZ = 12_000_000
HOST_BAUD = 1_000_000
# How long to wait for a status reply: it comes within microseconds, so a second means no board.
REPLY_TIMEOUT_S = 1.0


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


def _field(name: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise LineError(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def pack(opcode: Opcode, value: int = 0) -> bytes:
    """The wire bytes of one non-DATA command with its argument `value`."""
    opcode = Opcode(opcode)
    if opcode is Opcode.DATA:
        raise LineError("pack() takes a setting, fault or STATUS, not DATA; use pack_data()")
    width = ARG_BYTES[opcode]
    _field(f"{opcode.name} argument", value, 0, (1 << (8 * width)) - 1)
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
    if isinstance(parity, str):
        letters = {"N": Parity.NONE, "E": Parity.EVEN, "O": Parity.ODD}
        if parity not in letters:
            raise LineError(f"parity must be one of N, E, O, not {parity!r}")
        parity = letters[parity]
    _field("stop bits", stop_bits, 1, 2)
    return pack(Opcode.SET_FORMAT, int(Parity(parity)) | (stop_bits - 1) << 2)


def pack_stretch(slot: int, cycles: int) -> bytes:
    """STRETCH: lengthen (cycles > 0) or shorten one bit slot of the next character."""
    _field("slot", slot, 0, 11)
    _field("stretch cycles", cycles, -(1 << 15), (1 << 15) - 1)
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


class SerialPort(Protocol):
    """What the client needs of a port: pyserial's Serial, or the simulated board."""

    def write(self, data: bytes) -> int | None: ...
    def read(self, size: int = 1) -> bytes: ...


class MbusEmulator:
    """The emulator board's host protocol over a pyserial-like port, with credit flow control.

    The client keeps a lower bound of the board's free FIFO entries (the last
    STATUS reply minus what was sent since: the FIFO only drains meanwhile)
    and asks again only when a command needs more, so no byte is ever dropped.
    """

    def __init__(self, port: SerialPort, clock_hz: int = 12_000_000, sleep: Callable[[float], None] = time.sleep):
        self.port = port
        self.clock_hz = clock_hz
        self._sleep = sleep
        self._credits = 0
        self._parity = Parity.EVEN
        self._stop_bits = 1
        self._bit_time = 1 / 2400

    def status(self) -> Status:
        """Ask the board; a dropped command (OVERFLOW) means a bug on this side, so it raises."""
        self.port.write(pack(Opcode.STATUS))
        status = unpack_status(self.port.read(STATUS_BYTES))
        if status.flags & (StatusFlag.OVERFLOW | StatusFlag.BAD_OPCODE):
            raise LineError(
                f"the emulator reported {status.flags!r}: commands were lost; "
                "check that nothing else writes to its port"
            )
        self._credits = status.free
        return status

    def configure(self, baud: int, parity: Parity | str, stop_bits: int = 1) -> None:
        """Set the line's rate and format for the bytes that follow."""
        command = pack(Opcode.SET_DIVISOR, divisor_for(self.clock_hz, baud)) + pack_format(parity, stop_bits)
        self._send(command, entries=2)
        self._parity = Parity({"N": 0, "E": 1, "O": 2}[parity] if isinstance(parity, str) else parity)
        self._stop_bits = stop_bits
        self._bit_time = 1 / baud

    def write(self, data: bytes) -> None:
        """Queue bytes for the line, never more than the board has room for."""
        while data:
            chunk = data[:MAX_DATA]
            self._reserve(1)
            chunk = chunk[: self._credits]
            self._send(pack_data(chunk), entries=len(chunk))
            data = data[len(chunk) :]

    def write_at_baud(self, data: bytes, baud: int) -> None:
        """Queue bytes at another rate (a drifting meter clock), then go back to the rate before."""
        nominal, parity, stop_bits = round(1 / self._bit_time), self._parity, self._stop_bits
        self.configure(baud, parity, stop_bits)
        self.write(data)
        self.configure(nominal, parity, stop_bits)

    def flip_next(self, mask: int) -> None:
        """Invert the next character's bit slots in `mask` (slot 0 the start bit)."""
        self._send(pack(Opcode.FLIP, _field("flip mask", mask, 1, 0xFFF)), entries=1)

    def write_bad_parity(self, byte: int) -> None:
        """One byte with its parity bit inverted."""
        if self._parity == Parity.NONE:
            raise LineError("the line has no parity bit to get wrong; configure E or O parity first")
        self.flip_next(1 << PARITY_SLOT)
        self.write(bytes([byte]))

    def stretch_next(self, slot: int, cycles: int) -> None:
        """Lengthen (or, negative, shorten) one bit slot of the next character by clock cycles."""
        self._send(pack_stretch(slot, cycles), entries=1)

    def send_break(self, seconds: float) -> None:
        """Hold the line at space for `seconds` (whole bit times), then a bit time of mark.

        A UART finds a start bit only at a mark-to-space edge: without the mark,
        a character queued right after the break would start unseen inside it.
        """
        self._timed(Opcode.BREAK, seconds)
        self._timed(Opcode.WAIT, self._bit_time)

    def power_off(self, seconds: float) -> None:
        """Cut the bus for `seconds` (whole bit times): the meter's power loss."""
        self._timed(Opcode.POWER_OFF, seconds)

    def pause(self, seconds: float) -> None:
        """Idle mark between bytes for `seconds`, timed by the board rather than the host."""
        self._timed(Opcode.WAIT, seconds)

    def glitch(self, cycles: int) -> None:
        """A space pulse of `cycles` clock cycles on the idle line."""
        self._send(pack(Opcode.GLITCH, _field("glitch cycles", cycles, 1, MAX_DURATION)), entries=1)

    def drain(self, timeout_s: float = 60.0) -> None:
        """Wait until the board's FIFO is empty and the line at rest."""
        deadline = time.monotonic() + timeout_s
        while not self.status().flags & StatusFlag.IDLE:
            if time.monotonic() > deadline:
                raise LineError(f"the emulator's line was still busy after {timeout_s} s")
            self._sleep(10 * self._bit_time)

    def _timed(self, opcode: Opcode, seconds: float) -> None:
        bits = _field(f"{opcode.name.lower()} bit times", round(seconds / self._bit_time), 1, MAX_DURATION)
        self._send(pack(opcode, bits), entries=1)

    def _reserve(self, entries: int) -> None:
        while self._credits < entries:
            if self.status().free < entries:
                self._sleep(entries * 11 * self._bit_time)

    def _send(self, command: bytes, entries: int) -> None:
        self._reserve(entries)
        self.port.write(command)
        self._credits -= entries


class MbusLine(Line):
    """A real emulator board on its host link: the meter's bytes, parity errors and breaks made by its gateware.

    The reader is wired to the board's M-Bus output; this side only sees the
    host link, opened at the board's fixed rate (the meter's own baud rate
    and format are settings sent to the board).
    """

    paces_itself = True  # the board's UART clocks every bit
    carries_line_errors = True  # FLIP and BREAK make real parity and framing errors on the line

    def __init__(
        self,
        port: str,
        serial_settings: SerialSettings,
        clock_hz: int = BOARD_CLOCK_HZ,
        open_port: Callable[[], SerialPort] | None = None,
    ) -> None:
        super().__init__(serial_settings)
        self.port = port
        self.clock_hz = clock_hz
        # Tests hand in the simulated board; by default the port is opened with pyserial.
        self._open_port = open_port or self._open_host_link
        self._link: SerialPort | None = None
        self.emulator: MbusEmulator | None = None

    @property
    def reader_path(self) -> str:
        """The board's host link: the reader is on the board's M-Bus output."""
        return self.port

    @property
    def describe(self) -> str:
        """The board in a few words, for messages."""
        return f"the M-Bus emulator on {self.port}"

    def _open_host_link(self) -> SerialPort:
        local = "://" not in self.port
        try:
            return serial.serial_for_url(
                self.port, baudrate=HOST_BAUD, timeout=REPLY_TIMEOUT_S, exclusive=True if local else None
            )
        except (serial.SerialException, OSError, ValueError) as error:
            raise open_error(self.port, error) from None

    def open(self) -> None:
        """Open the host link, check a board answers, and set the meter's baud rate and format."""
        self._link = link = self._open_port()
        self.emulator = emulator = MbusEmulator(link, self.clock_hz)
        try:
            self._greet(link, emulator)
        except (serial.SerialException, OSError) as error:
            raise LineError(f"{self.port} went away while opening: {error}") from None

    def _greet(self, link: SerialPort, emulator: MbusEmulator) -> None:
        # The first reply also clears error flags an earlier session may have left.
        link.write(pack(Opcode.STATUS))
        reply = link.read(STATUS_BYTES)
        if not reply:
            raise LineError(
                f"no M-Bus emulator answered on {self.port}: give the board's host link "
                "(FTDI channel B) and check its bitstream is loaded"
            )
        try:
            unpack_status(reply)
        except LineError as error:
            raise LineError(f"{self.port} did not answer like an M-Bus emulator: {error}") from None
        emulator.configure(self.serial.baud, self.serial.parity, self.serial.stopbits)

    def close(self) -> None:
        """Close the host link; safe twice."""
        if self._link is not None and hasattr(self._link, "close"):
            try:
                self._link.close()
            except (serial.SerialException, OSError):
                pass
        self._link = None

    def write(self, data: bytes) -> None:
        """Queue bytes on the board, as fast as its FIFO has room."""
        self._guarded("write", data)

    def drain(self) -> None:
        """Wait until the board has put every byte on the line."""
        self._guarded("drain")

    def write_bad_parity(self, byte: int) -> None:
        """One byte with its parity bit inverted by the gateware."""
        self._guarded("write_bad_parity", byte)

    def send_break(self, seconds: float) -> None:
        """Space on the line for `seconds`, timed by the gateware."""
        self._guarded("send_break", seconds)

    def write_at_baud(self, data: bytes, baud: int) -> None:
        """Bytes at a drifted rate, the board's divisor changed around them, then drained."""
        self._guarded("write_at_baud", data, baud)
        self.drain()

    def _guarded(self, action: str, *args) -> None:
        """Call the client's `action`, turning a vanished port into a LineError."""
        if self.emulator is None or self._link is None:
            raise LineError(f"{self.describe} is not open")
        try:
            getattr(self.emulator, action)(*args)
        except (serial.SerialException, OSError) as error:
            raise LineError(f"{self.port} went away mid-run (board unplugged?): {error}") from None
