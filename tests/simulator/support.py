"""Helpers for the simulator tests: a line that keeps what it is given, and a tap on a pty's reader side."""

import os
import select
import termios
import threading
import time
import tty
from contextlib import contextmanager

from meter_profiles import SerialSettings
from simulator.lines import Line, PtyLine

__all__ = ["MemoryLine", "PtyTap", "RecordingLine", "foreign_openers", "private_pty"]


def foreign_openers(path: str) -> list[str]:
    """Other processes that have `path` open, or name it on their command line (and so may open it)."""
    found = []
    for proc in os.listdir("/proc"):
        if not proc.isdigit() or int(proc) == os.getpid():
            continue
        try:
            with open(f"/proc/{proc}/cmdline", "rb") as cmd:
                command = cmd.read().replace(bytes(1), b" ").decode(errors="replace")
            fds = os.listdir(f"/proc/{proc}/fd")
            if path in command.split() or any(os.readlink(f"/proc/{proc}/fd/{fd}") == path for fd in fds):
                found.append(f"{proc}: {command[:80]}")
        except OSError:
            continue
    return found


@contextmanager
def private_pty(serial: SerialSettings, drop_when_full: bool = False):
    """A PtyLine that no other process is reading.

    On a shared machine a stray reader left running by someone else may keep
    reopening /dev/pts/N by name and steal bytes when that number is reused;
    such pairs are held open (so the number stays taken) and another is made.
    """
    held, line = [], None
    try:
        for _ in range(8):
            line = PtyLine(serial, drop_when_full)
            line.open()
            time.sleep(0.05)
            if not foreign_openers(line.reader_path):
                break
            held.append(line)
        assert line is not None
        yield line
        strangers = foreign_openers(line.reader_path)
        assert not strangers, f"another process opened this test's pty {line.reader_path}: {strangers}"
    finally:
        for other in [*held, line]:
            if other is not None:
                other.close()


class MemoryLine(Line):
    """A line that keeps every byte, for runs where only the sent log and the bytes matter."""

    paces_itself = True

    def __init__(self, serial: SerialSettings) -> None:
        super().__init__(serial)
        self.data = bytearray()

    @property
    def reader_path(self) -> str:
        return "memory"

    def open(self) -> None:
        self.data.clear()

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        self.data.extend(data)


class PtyTap:
    """Reads a pty's reader side in a thread, noting the monotonic time each chunk arrived."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self._fd)
        termios.tcflush(self._fd, termios.TCIFLUSH)
        self.chunks: list[tuple[float, bytes]] = []
        self.error: OSError | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self._fd, 65536)
                except BlockingIOError:
                    continue
                except OSError as error:
                    self.error = error
                    return
                self.chunks.append((time.monotonic(), chunk))

    @property
    def data(self) -> bytes:
        """Everything read so far."""
        return b"".join(chunk for _, chunk in self.chunks)

    def close(self, expect_bytes: int | None = None, quiet_s: float = 0.3, limit_s: float = 10.0) -> bytes:
        """Read until `expect_bytes` have come (or nothing has for `quiet_s`), then stop.

        A pty hands written bytes to the reader side from a kernel worker, which
        a loaded machine can hold back for a while: wait for them, do not guess.
        """
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if expect_bytes is not None:
                if sum(len(chunk) for _, chunk in self.chunks) >= expect_bytes:
                    break
            elif time.monotonic() - (self.chunks[-1][0] if self.chunks else 0.0) >= quiet_s:
                break
            time.sleep(0.02)
        self._stop.set()
        self._thread.join()
        os.close(self._fd)
        return self.data


class RecordingLine(MemoryLine):
    """A memory line that also records each request in order, as ("bytes", data) and what subclasses add."""

    def __init__(self, serial: SerialSettings) -> None:
        super().__init__(serial)
        self.events: list[tuple] = []

    def write(self, data: bytes) -> None:
        super().write(data)
        self.events.append(("bytes", bytes(data)))
