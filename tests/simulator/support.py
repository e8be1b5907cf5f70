"""Helpers for the simulator tests: a line that keeps what it is given, and a tap on a pty's reader side."""

import os
import select
import termios
import threading
import time
import tty

from meter_profiles import SerialSettings
from simulator.lines import Line

__all__ = ["MemoryLine", "PtyTap"]


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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self._fd, 65536)
                except OSError:
                    return
                self.chunks.append((time.monotonic(), chunk))

    @property
    def data(self) -> bytes:
        """Everything read so far."""
        return b"".join(chunk for _, chunk in self.chunks)

    def close(self, settle_s: float = 0.2) -> bytes:
        """Read what is still in flight, stop, and return everything read."""
        time.sleep(settle_s)
        self._stop.set()
        self._thread.join()
        os.close(self._fd)
        return self.data
