"""A virtual serial pair made by the simulator: it writes one side, the reader opens the other.

A pty has no baud rate, parity or stop bits: bytes arrive the instant they
are written and can never carry a parity or framing error. The sender
paces them to the line rate. The simulator keeps the reader side open too,
so writes never fail while no reader is attached.
"""

import os
import select
import termios
import tty

from meter_profiles import SerialSettings

from .base import Line, LineError

__all__ = ["PtyLine"]

_BAUD = {baud: getattr(termios, f"B{baud}") for baud in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)}


class PtyLine(Line):
    """A pty pair; `reader_path` is the side the reader opens (/dev/pts/N)."""

    def __init__(self, serial: SerialSettings, drop_when_full: bool = True) -> None:
        super().__init__(serial)
        # A meter does not wait for a reader that is not reading: when the pty's buffer is full,
        # the oldest unread bytes are dropped (as a UART would overrun). At max speed we wait instead.
        self.drop_when_full = drop_when_full
        self.overflows = 0
        self.bytes_written = 0
        self._master: int | None = None
        self._slave: int | None = None
        self._path = ""

    @property
    def reader_path(self) -> str:
        """The reader's side of the pair."""
        return self._path

    def open(self) -> None:
        """Make the pair, both sides raw, the reader side at the profile's baud rate for tools that show it."""
        self._master, self._slave = master, slave = os.openpty()
        for fd in (master, slave):
            tty.setraw(fd)
        attrs = termios.tcgetattr(slave)
        attrs[4] = attrs[5] = _BAUD.get(self.serial.baud, termios.B2400)
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        self._path = os.ttyname(slave)
        os.set_blocking(master, False)

    def close(self) -> None:
        """Close both sides."""
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def write(self, data: bytes) -> None:
        """Put bytes into the pair; if the reader is not reading and the buffer fills, drop or wait."""
        master, slave = self._master, self._slave
        if master is None or slave is None:
            raise LineError(f"pty {self._path or '(not open)'} is closed")
        view = memoryview(data)
        while view:
            try:
                count = os.write(master, view)
                self.bytes_written += count
                view = view[count:]
            except BlockingIOError:
                if self.drop_when_full:
                    termios.tcflush(slave, termios.TCIFLUSH)
                    self.overflows += 1
                else:
                    select.select([], [master], [], 0.5)
            except OSError as error:
                raise LineError(f"pty {self._path}: write failed: {error.strerror}") from None
