"""A board's console: lines in (logs and replies, timestamped, logged), commands out, waits that explain themselves.

One interface over two transports: a real board's UART (pyserial, any port
or URL) and a reader process's stdin/stdout (the host build, a --dut-cmd),
whose stderr is merged in the way a board's log and replies share one UART.
A failed wait says what it waited for, the last lines that came and where the
whole console log is.
"""

import re
import subprocess
import threading
import time
from pathlib import Path

import serial

from ..process import tail
from .errors import SelftestError

__all__ = ["CONSOLE_BAUD", "BoardFault", "ConsoleLink", "ProcessConsole", "SerialConsole"]

CONSOLE_BAUD = 115200


class BoardFault(SelftestError):
    """The board did not do what a good board does (no banner, no reply): a FAIL of the unit, not a station error."""


class ConsoleLink:
    """Lines from the board, each stamped with time.monotonic() on arrival and appended to log_path."""

    def __init__(self, log_path: Path):
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._lines: list[tuple[float, str]] = []
        self._arrived = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._pump, daemon=True, name=f"console {self.log_path.name}")

    def start(self) -> None:
        """Start collecting lines."""
        self._reader.start()

    def mark(self) -> int:
        """A position in the lines: later waits can look only at what came after it."""
        with self._arrived:
            return len(self._lines)

    def expect(self, pattern: str, timeout: float, since: int = 0) -> tuple[re.Match, float]:
        """The first line after since that matches pattern, and when it came; BoardFault when none comes in time."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._arrived:
            seen = since
            while True:
                for t, line in self._lines[seen:]:
                    found = regex.search(line)
                    if found:
                        return found, t
                seen = len(self._lines)
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    break
                self._arrived.wait(min(left, 0.1))
        ended = "the console closed" if self._closed else f"nothing within {timeout:g} s"
        raise BoardFault(
            f"no console line matching {pattern!r}: {ended}; last lines of {self.log_path}:\n"
            + "\n".join("    " + line for line in tail(self.log_path).splitlines())
        )

    def command(self, line: str, reply: str, timeout: float = 2.0, logged: str | None = None) -> str:
        """Send a command line and return the first reply line matching the reply pattern.

        logged stands for the line in the console log when the line holds a secret.
        """
        since = self.mark()
        self.note(f">>> {logged or line}")
        self._write((line + "\n").encode())
        return self.expect(reply, timeout, since)[0].group(0)

    def close(self) -> None:
        """Stop reading (the transport is closed by the subclass)."""
        self._closed = True

    def _pump(self) -> None:
        while not self._closed:
            raw = self._read_line()
            if raw is None:
                break
            if raw:
                self._take(raw.decode(errors="replace").rstrip("\r\n"))
        with self._arrived:
            self._closed = True
            self._arrived.notify_all()

    def _take(self, line: str) -> None:
        self.note(line)
        with self._arrived:
            self._lines.append((time.monotonic(), line))
            self._arrived.notify_all()

    def note(self, line: str) -> None:
        """Add a line of the station's own to the console log (a command sent, the command that started the reader)."""
        with open(self.log_path, "a") as log:
            log.write(line + "\n")

    def _read_line(self) -> bytes | None:
        """One line (b"" when none came yet), or None when the transport has ended."""
        raise NotImplementedError

    def _write(self, data: bytes) -> None:
        raise NotImplementedError


class ProcessConsole(ConsoleLink):
    """The console of a reader running here: its stdin, and its stdout with stderr merged in."""

    def __init__(self, popen: subprocess.Popen[bytes], log_path: Path):
        super().__init__(log_path)
        self._popen = popen

    def _read_line(self) -> bytes | None:
        if self._popen.stdout is None:  # started without a pipe: no console to read
            return None
        line: bytes = self._popen.stdout.readline()
        return line if line else None

    def _write(self, data: bytes) -> None:
        if self._popen.stdin is None:  # started without a pipe: nowhere to write
            return
        try:
            self._popen.stdin.write(data)
            self._popen.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader has exited: the wait for its reply says so


class SerialConsole(ConsoleLink):
    """A board's console UART (pyserial port or URL); RTS pulses the ESP8266's reset as esptool does."""

    def __init__(self, port: str, log_path: Path, baud: int = CONSOLE_BAUD):
        super().__init__(log_path)
        try:
            self._port = serial.serial_for_url(port, baud, timeout=0.2)
        except serial.SerialException as error:
            raise SelftestError(
                f"cannot open the console port {port}: {error}; check the cable and --console"
            ) from None

    def reset(self) -> float:
        """Reset the board into its firmware (GPIO0 high, EN pulsed low); when the reset was released."""
        self._port.dtr = False
        self._port.rts = True
        time.sleep(0.1)
        self._port.rts = False
        return time.monotonic()

    def _read_line(self) -> bytes | None:
        try:
            return self._port.readline()
        except (serial.SerialException, TypeError, OSError):
            return None

    def _write(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()

    def close(self) -> None:
        """Stop reading and release the port (esptool needs it next)."""
        super().close()
        self._port.close()
