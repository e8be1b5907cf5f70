"""Any pyserial port or URL: a USB UART (/dev/ttyUSB0), socket://host:port, rfc2217://host:port.

A local device is opened exclusively with the profile's baud rate, parity
and stop bits; its UART paces the bytes and can carry parity and framing
errors. Network URLs have no UART at our end: the sender paces them, and
they carry no line errors.
"""

import errno
import grp
import os
import termios
import time

import serial

from meter_profiles import SerialSettings

from .base import Line, LineError

__all__ = ["SerialLine", "open_error"]

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
_OPPOSITE = {"E": serial.PARITY_ODD, "O": serial.PARITY_EVEN}


# Linux gives Unix98 pty devices (/dev/pts/N) major numbers 136 to 143.
_PTY_MAJORS = range(136, 144)


def _is_pty(path: str) -> bool:
    """Whether a local path is a pty: pyserial opens one happily, but it has no UART behind it."""
    try:
        return os.major(os.stat(path).st_rdev) in _PTY_MAJORS
    except OSError:
        return False


def _group_of(path: str) -> str:
    try:
        return grp.getgrgid(os.stat(path).st_gid).gr_name
    except (OSError, KeyError):
        return "dialout"


def open_error(port: str, error: Exception) -> LineError:
    """One line that says why `port` did not open and what to do about it."""
    code = getattr(error, "errno", None)
    text = str(error)
    if code == errno.ENOENT:
        return LineError(f"serial port {port} not found: plug in the adapter or check the name (ls /dev/serial/by-id)")
    if code == errno.EACCES:
        group = _group_of(port)
        return LineError(
            f"no permission to open {port}: join the group '{group}' (sudo usermod -aG {group} $USER, then log in again)"
        )
    if code in (errno.EAGAIN, errno.EBUSY) or "exclusively lock" in text:
        return LineError(f"serial port {port} is busy: another program has it open (find it with: fuser {port})")
    if "Connection refused" in text or code == errno.ECONNREFUSED:
        return LineError(f"cannot connect to {port}: connection refused; is the server listening?")
    return LineError(f"cannot open {port}: {text}")


class SerialLine(Line):
    """A pyserial port or URL, opened with the meter's serial settings."""

    def __init__(self, port: str, serial_settings: SerialSettings) -> None:
        super().__init__(serial_settings)
        self.port = port
        self._local = "://" not in port
        # A local UART paces its bytes and can carry parity and framing errors; a pty
        # given as a port (a bench's virtual pair) can do neither, like a network URL.
        uart = self._local and not _is_pty(port)
        self.paces_itself = uart or port.startswith("rfc2217://")
        self.carries_line_errors = uart
        self._serial: serial.Serial | None = None

    @property
    def reader_path(self) -> str:
        """The port as given: the reader is at its far end."""
        return self.port

    def open(self) -> None:
        """Open the port exclusively with the profile's settings, or raise a one-line LineError."""
        s = self.serial
        try:
            self._serial = serial.serial_for_url(
                self.port,
                baudrate=s.baud,
                bytesize=s.bytesize,
                parity=_PARITY[s.parity],
                stopbits=s.stopbits,
                exclusive=True if self._local else None,
            )
        except (serial.SerialException, OSError, ValueError, termios.error) as error:
            raise open_error(self.port, error) from None

    def close(self) -> None:
        """Close the port (errors from an unplugged adapter are ignored here)."""
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass
            self._serial = None

    @property
    def _open(self) -> serial.Serial:
        if self._serial is None:
            raise LineError(f"{self.port} is not open: open() it first")
        return self._serial

    def _lost(self, error: Exception) -> LineError:
        return LineError(f"{self.port} went away mid-run (adapter unplugged?): {error}")

    def write(self, data: bytes) -> None:
        """Hand bytes to the UART (or socket)."""
        try:
            self._open.write(data)
        except (serial.SerialException, OSError) as error:
            raise self._lost(error) from None

    def drain(self) -> None:
        """Wait until the UART has sent every byte (tcdrain), so end times are when the last stop bit left."""
        try:
            self._open.flush()
        except (serial.SerialException, OSError) as error:
            raise self._lost(error) from None

    def write_bad_parity(self, byte: int) -> None:
        """Send `byte` with the opposite parity, so the reader's UART flags a parity error.

        The UART is drained and reconfigured around that one byte, which adds
        a short pause (the time the driver takes to change settings).
        """
        if not self.carries_line_errors or self.serial.parity == "N":
            super().write_bad_parity(byte)
        try:
            self._open.flush()
            self._open.parity = _OPPOSITE[self.serial.parity]
            self._open.write(bytes((byte,)))
            self._open.flush()
            self._open.parity = _PARITY[self.serial.parity]
        except (serial.SerialException, OSError) as error:
            raise self._lost(error) from None

    def write_at_baud(self, data: bytes, baud: int) -> None:
        """Send `data` at `baud` (Linux sets any rate), drained, then go back to the profile's rate."""
        if not self.carries_line_errors:
            super().write_at_baud(data, baud)
        try:
            self._open.flush()
            self._open.baudrate = baud
            self._open.write(data)
            self._open.flush()
            self._open.baudrate = self.serial.baud
        except (serial.SerialException, OSError, ValueError) as error:
            raise self._lost(error) from None

    def send_break(self, seconds: float) -> None:
        """Hold the line at space: the reader's UART sees a 0x00 with a framing error."""
        if not self.carries_line_errors:
            super().send_break(seconds)
        try:
            self._open.flush()
            self._open.break_condition = True
            time.sleep(seconds)
            self._open.break_condition = False
        except (serial.SerialException, OSError) as error:
            raise self._lost(error) from None
