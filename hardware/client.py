"""The host side of the M-Bus line emulator: its protocol spoken over a serial port, with credit flow control.

The same client drives a real board over its USB UART (`mbus_line.py`) and
the gateware in Amaranth's simulator (`bridge.py`), so both exercise one
implementation of the protocol in `protocol.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from .protocol import (
    BOARD_CLOCK_HZ,
    MAX_DATA,
    MAX_DURATION,
    PARITY_SLOT,
    STATUS_BYTES,
    LineError,
    Opcode,
    Parity,
    Status,
    StatusFlag,
    checked,
    divisor_for,
    pack,
    pack_data,
    pack_format,
    pack_stretch,
    parity_of,
    unpack_status,
)

__all__ = ["MbusEmulator", "SerialPort"]


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

    def __init__(self, port: SerialPort, clock_hz: int = BOARD_CLOCK_HZ, sleep: Callable[[float], None] = time.sleep):
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
        self._parity = parity_of(parity)
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
        self._send(pack(Opcode.FLIP, checked("flip mask", mask, 1, 0xFFF)), entries=1)

    def write_bad_parity(self, byte: int) -> None:
        """One byte with its parity bit inverted."""
        if self._parity == Parity.NONE:
            raise LineError("the line has no parity bit to get wrong; configure E or O parity first")
        self.flip_next(1 << PARITY_SLOT)
        self.write(bytes([byte]))

    def stretch_next(self, slot: int, cycles: int) -> None:
        """Lengthen (or, negative, shorten) one bit slot of the next character by clock cycles."""
        self._send(pack_stretch(slot, cycles), entries=1)

    def write_stretched(self, byte: int, bits: float) -> None:
        """One byte whose start bit is held `bits` bit times too long (a UART then samples it a bit late)."""
        self.stretch_next(0, self._cycles(bits))
        self.write(bytes([byte]))

    def spike(self, bits: float) -> None:
        """A space pulse of `bits` bit times on the idle line, then a character time of mark.

        A pulse past half a bit is a start bit to a UART; the mark after it lets
        that spurious character end with a good stop bit before the next one.
        """
        self.glitch(self._cycles(bits))
        slots = 10 + (self._parity != Parity.NONE) + self._stop_bits - 1
        self.pause(slots * self._bit_time)

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
        self._send(pack(Opcode.GLITCH, checked("glitch cycles", cycles, 1, MAX_DURATION)), entries=1)

    def drain(self, timeout_s: float = 60.0) -> None:
        """Wait until the board's FIFO is empty and the line at rest."""
        deadline = time.monotonic() + timeout_s
        while not self.status().flags & StatusFlag.IDLE:
            if time.monotonic() > deadline:
                raise LineError(f"the emulator's line was still busy after {timeout_s} s")
            self._sleep(10 * self._bit_time)

    def _cycles(self, bits: float) -> int:
        """Clock cycles of `bits` bit times at the line's rate."""
        return round(bits * self.clock_hz * self._bit_time)

    def _timed(self, opcode: Opcode, seconds: float) -> None:
        bits = checked(f"{opcode.name.lower()} bit times", round(seconds / self._bit_time), 1, MAX_DURATION)
        self._send(pack(opcode, bits), entries=1)

    def _reserve(self, entries: int) -> None:
        while self._credits < entries:
            if self.status().free < entries:
                self._sleep(entries * 11 * self._bit_time)

    def _send(self, command: bytes, entries: int) -> None:
        self._reserve(entries)
        self.port.write(command)
        self._credits -= entries
