"""The simulated M-Bus line: the real gateware in Amaranth's simulator, into a pty or tty.

Bytes written to the line go through the host protocol (the same client as a
real board), the gateware puts them on the line as levels, a TSS721-like
receiver model turns the levels into logic bits (where a sag can cause bit
errors), a UART decodes those bits, and each byte goes to the pty when its
stop bit ends in wall-clock time, so a reader sees real 2400-baud pacing.
Given a port (the bench's pty pair, or a tty), the bytes go there instead.

The simulated clock is scaled: the line runs at `LINE_DIVISOR` cycles per bit,
because Amaranth's simulator manages some ten thousand cycles a second and
12 MHz would be a thousand times too slow; the gateware is the same.
"""

from __future__ import annotations

import os
import time
import tty

from simulator.lines import Line, LineError, open_error

from .client import MbusEmulator
from .gateware.emulator import LineEmulator
from .monitor import LineTrace, decode_uart
from .protocol import parity_of
from .receiver import Tss721Model
from .sim import EmulatorSim

__all__ = ["HOST_DIVISOR", "LINE_DIVISOR", "MbusSimLine"]

LINE_DIVISOR = 4
HOST_DIVISOR = 4
RECEIVER_STEP = 1  # cycles between receiver samples: a quarter bit


class MbusSimLine(Line):
    """A line whose bytes pass through the gateware and a receiver model into `port`, or a pty of its own."""

    paces_itself = True  # the simulated UART sets the byte rate
    carries_line_errors = True  # parity, framing and sag errors reach the reader as they would
    makes_bus_faults = True  # the gateware's STRETCH, GLITCH and POWER_OFF, through the receiver model

    def __init__(
        self,
        serial,
        receiver: Tss721Model | None = None,
        realtime: bool = True,
        fifo_depth: int = 64,
        port: str | None = None,
    ):
        super().__init__(serial)
        self.port = port
        self.receiver = receiver or Tss721Model()
        self.realtime = realtime
        self.received = bytearray()  # every byte handed to the pty, for tests and logs
        self.line_errors = 0  # characters with a parity or framing error
        self._fifo_depth = fifo_depth
        self._fd: int | None = None
        self._reader_fd: int | None = None

    @property
    def reader_path(self) -> str:
        """The port given, or the reader's side of the line's own pty."""
        if self.port is not None:
            return self.port
        if self._reader_fd is None:
            raise LineError("the simulated line has no pty until it is opened")
        return os.ttyname(self._reader_fd)

    def open(self) -> None:
        """Open the port (or make a pty) and start the simulation."""
        if self.port is None:
            self._fd, self._reader_fd = os.openpty()
            tty.setraw(self._reader_fd)
        else:
            self._fd = self._open_port(self.port)
        clock_hz = self.serial.baud * LINE_DIVISOR
        self.sim = EmulatorSim(
            LineEmulator(host_divisor=HOST_DIVISOR, line_divisor=LINE_DIVISOR, fifo_depth=self._fifo_depth),
            HOST_DIVISOR,
        )
        self.cycle_s = 1 / clock_hz
        self.emulator = MbusEmulator(self.sim, clock_hz=clock_hz, sleep=self._advance)
        self.emulator.configure(self.serial.baud, self.serial.parity, self.serial.stopbits)
        self._logic = LineTrace()
        self._followed = 0
        self._decoded_to = 0.0
        self._wall_zero = time.monotonic()

    @staticmethod
    def _open_port(port: str) -> int:
        """The port for writing, raw, so no byte is translated on its way to the reader."""
        try:
            fd = os.open(port, os.O_WRONLY | os.O_NOCTTY)
        except OSError as error:
            raise open_error(port, error) from None
        if os.isatty(fd):
            tty.setraw(fd)
        return fd

    def close(self) -> None:
        """Close the port or pty; safe twice."""
        for fd in (self._fd, self._reader_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._reader_fd = None

    def write(self, data: bytes) -> None:
        """Send bytes through the gateware; returns as soon as the last has reached the reader."""
        self._wall_zero = max(self._wall_zero, time.monotonic() - self.sim.cycle * self.cycle_s)
        expected = len(self.received) + len(data)
        self.emulator.write(data)
        self._finish(expected)

    def _finish(self, expected: int, timeout_s: float = 60.0) -> None:
        """Run until `expected` bytes have reached the reader and the board is idle, and not a bit longer.

        The sent log's end time is taken when a write returns, and a reader may
        publish within milliseconds of the last byte, so no line time is
        simulated past it (polling the board's STATUS would take two host
        characters). Characters complete at most one per character time, so
        jumping all but one of the missing ones at once cannot overshoot.
        """
        char_s = self._slots / self.serial.baud
        limit = self.sim.cycle + timeout_s / self.cycle_s
        while len(self.received) < expected or not self.sim.idle:
            if self.sim.idle:
                # Idle with a character missing: a sag cost one its framing, or the last host byte is
                # still on its way into the FIFO. A character time later only the first is still so.
                self._advance(char_s)
                if self.sim.idle and len(self.received) < expected:
                    return
                continue
            if self.sim.cycle > limit:
                raise LineError(f"the simulated M-Bus line was still busy after {timeout_s:.0f} s of line time")
            missing = expected - len(self.received)
            self._advance((missing - 1) * char_s if missing > 1 else 1 / self.serial.baud)

    def write_bad_parity(self, byte: int) -> None:
        """One byte with its parity bit inverted, by the gateware's FLIP fault."""
        expected = len(self.received) + 1
        self.emulator.write_bad_parity(byte)
        self._finish(expected)

    def send_break(self, seconds: float) -> None:
        """Hold the line at space for `seconds`, by the gateware's BREAK (the reader gets a 0x00 with a framing error)."""
        expected = len(self.received) + 1
        self.emulator.send_break(seconds)
        self._finish(expected)

    def write_stretched(self, byte: int, bits: float) -> None:
        """One byte whose start bit the gateware holds `bits` bit times too long; the reader gets what its UART reads."""
        expected = len(self.received) + 1
        self.emulator.write_stretched(byte, bits)
        self._finish(expected)

    def glitch(self, bits: float) -> None:
        """A space spike of `bits` bit times by the gateware's GLITCH; past half a bit the reader gets a spurious byte."""
        expected = len(self.received) + (bits > 0.5)
        self.emulator.spike(bits)
        self._finish(expected)

    def power_off(self, seconds: float) -> None:
        """The bus unpowered for `seconds` by the gateware's POWER_OFF, simulated in one step (the level holds)."""
        expected = len(self.received)
        self.emulator.power_off(seconds)
        self._advance(seconds)
        self._finish(expected)

    def _advance(self, seconds: float) -> None:
        """Run the simulation `seconds` of line time, delivering what the receiver decodes."""
        self.sim.run(max(1, round(seconds / self.cycle_s)))
        self._deliver()

    def _deliver(self) -> None:
        now = self.sim.cycle
        self.receiver.follow(self.sim.levels, self._logic, self._followed, now, self.cycle_s, RECEIVER_STEP)
        self._followed = now
        chars = decode_uart(
            self._logic,
            LINE_DIVISOR,
            parity_of(self.serial.parity),
            self.serial.stopbits,
            end=now,
            after=self._decoded_to,
        )
        slots = self._slots
        for char in chars:
            self._pace(char.start + slots * LINE_DIVISOR)
            self._hand_over(bytes([char.byte]))
            self.received.append(char.byte)
            self.line_errors += not char.clean
        if chars:
            # A UART looks for the next start bit from the middle of the last stop bit.
            self._decoded_to = chars[-1].start + (slots - 0.5) * LINE_DIVISOR

    @property
    def _slots(self) -> int:
        """Bit slots of one character: start, eight data, parity if any, stop bits."""
        return 10 + (self.serial.parity != "N") + self.serial.stopbits - 1

    def _hand_over(self, byte: bytes) -> None:
        if self._fd is None:
            raise LineError("the simulated line is closed")
        try:
            os.write(self._fd, byte)
        except OSError as error:
            raise LineError(f"{self.reader_path}: write failed: {error.strerror}") from None

    def _pace(self, cycle: int) -> None:
        """Hold a byte until its stop bit ends in wall time."""
        if self.realtime:
            delay = self._wall_zero + cycle * self.cycle_s - time.monotonic()
            if delay > 0:
                time.sleep(delay)
