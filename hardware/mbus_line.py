"""`--line mbus`: a real emulator board on its host link, the meter's bytes and line faults made by its gateware."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import serial

from meter_profiles import SerialSettings
from simulator.lines import Line, LineError, open_error

from .client import MbusEmulator, SerialPort
from .protocol import BOARD_CLOCK_HZ, HOST_BAUD, STATUS_BYTES, Opcode, pack, unpack_status

__all__ = ["MbusLine"]

# How long to wait for a status reply: it comes within microseconds, so a second means no board.
REPLY_TIMEOUT_S = 1.0


class MbusLine(Line):
    """A real emulator board on its host link: the meter's bytes, parity errors and breaks made by its gateware.

    The reader is wired to the board's M-Bus output; this side only sees the
    host link, opened at the board's fixed rate (the meter's own baud rate
    and format are settings sent to the board).
    """

    paces_itself = True  # the board's UART clocks every bit
    carries_line_errors = True  # FLIP and BREAK make real parity and framing errors on the line
    makes_bus_faults = True  # STRETCH, GLITCH and POWER_OFF

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
            with contextlib.suppress(serial.SerialException, OSError):
                self._link.close()
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

    def write_stretched(self, byte: int, bits: float) -> None:
        """One byte whose start bit the gateware holds `bits` bit times too long."""
        self._guarded("write_stretched", byte, bits)

    def glitch(self, bits: float) -> None:
        """A space spike of `bits` bit times, then a character time of idle, timed by the gateware."""
        self._guarded("spike", bits)

    def power_off(self, seconds: float) -> None:
        """The bus unpowered for `seconds`, then powered again; returns when it is."""
        self._guarded("power_off", seconds)
        self.drain()

    def _guarded(self, action: str, *args) -> None:
        """Call the client's `action`, turning a vanished port into a LineError."""
        if self.emulator is None or self._link is None:
            raise LineError(f"{self.describe} is not open")
        try:
            getattr(self.emulator, action)(*args)
        except (serial.SerialException, OSError) as error:
            raise LineError(f"{self.port} went away mid-run (board unplugged?): {error}") from None
