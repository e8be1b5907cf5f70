"""One interface for every line a meter's bytes can travel: a pty, a serial port or URL, the M-Bus emulator.

A line knows the meter's serial settings, whether it paces bytes itself (a
UART sends at its baud rate; a pty hands bytes over at once), whether it can
carry a parity or framing error (only real UART hardware can), and the path
a reader connects to.
"""

import time
from abc import ABC, abstractmethod
from typing import Self

from meter_profiles import SerialSettings

from ..errors import SimulatorError
from ..timing import sleep_until

__all__ = ["Line", "LineError", "write_paced"]


class LineError(SimulatorError):
    """A line cannot be opened, or went away while in use; the message names it and the fix."""


class Line(ABC):
    """Where the meter's bytes go. Use as a context manager, or open() and close()."""

    # A UART clocks bytes out at its baud rate; a pty or a TCP socket does not, so the sender must.
    paces_itself: bool = False
    # Parity and framing errors exist only on real UART hardware.
    carries_line_errors: bool = False
    # A stretched bit, a glitch or a cut of bus power: only the M-Bus line emulator's gateware makes them.
    makes_bus_faults: bool = False

    def __init__(self, serial: SerialSettings) -> None:
        self.serial = serial

    @property
    @abstractmethod
    def reader_path(self) -> str:
        """What the reader connects to (a device path, or the pty's reader side)."""

    @property
    def describe(self) -> str:
        """The line in a few words, for messages."""
        return f"{type(self).__name__} {self.reader_path}"

    @abstractmethod
    def open(self) -> None:
        """Make the line ready, or raise LineError with the reason and the fix."""

    @abstractmethod
    def close(self) -> None:
        """Release the line; safe to call twice."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Hand bytes to the line; raise LineError if it went away."""

    def drain(self) -> None:
        """Wait until every written byte has left (a UART's transmit buffer); at once where nothing is buffered."""

    def write_bad_parity(self, byte: int) -> None:
        """Send one byte whose parity bit is wrong, where the line can carry one."""
        raise LineError(f"{self.describe} cannot carry a parity error: only a serial device with parity can")

    def write_at_baud(self, data: bytes, baud: int) -> None:
        """Send `data` at another rate than the line's and drain it (a drifting meter clock), where the line can."""
        raise LineError(f"{self.describe} cannot send at another baud rate: only a serial device has bit timing")

    def send_break(self, seconds: float) -> None:
        """Hold the line at space for `seconds` (a framing error at the reader), where the line can."""
        raise LineError(f"{self.describe} cannot carry a framing error: only a serial device can")

    def write_stretched(self, byte: int, bits: float) -> None:
        """Send one byte whose start bit is held `bits` bit times too long, where the line can."""
        raise LineError(self._no_bus_faults("stretch a bit"))

    def glitch(self, bits: float) -> None:
        """A space spike `bits` bit times long on the idle line, then a character time of idle, where the line can."""
        raise LineError(self._no_bus_faults("make a glitch"))

    def power_off(self, seconds: float) -> None:
        """Leave the bus unpowered for `seconds` (the meter's power loss), where the line can."""
        raise LineError(self._no_bus_faults("cut the bus power"))

    def _no_bus_faults(self, what: str) -> str:
        return f"{self.describe} cannot {what}: only the M-Bus line emulator can (--line mbus-sim or mbus)"

    def __enter__(self) -> Self:  # the line's own class, so `with MbusSimLine(...) as line` sees its extras
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_paced(line: Line, data: bytes, byte_time: float | None) -> None:
    """Write `data`, one byte every `byte_time` seconds from now unless the line paces itself or byte_time is None.

    Each write sends every byte that is due by then, so the average rate is
    exact even when a wake-up is late, and no byte goes early.
    """
    if byte_time is None or line.paces_itself:
        line.write(data)
        return
    start = time.monotonic()
    sent = 0
    while sent < len(data):
        due = min(len(data), int((time.monotonic() - start) / byte_time) + 1)
        if due > sent:
            line.write(data[sent:due])
            sent = due
        else:
            sleep_until(start + sent * byte_time, spin=False)
