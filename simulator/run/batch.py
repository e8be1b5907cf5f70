"""Frames that go out back to back at warp max, handed to the line in one write.

At warp max on a line that takes bytes at once (a pty, a socket), nothing but
the reader sets the pace, and each write to a pty costs the kernel a
hand-over to a worker thread (a wake-up on the other CPU) that is dearer than
building the frame. So frames queue here for at most
HOLD_S or HOLD_BYTES and leave in one write. They all reach the reader at
once, so each frame's sent-log start and end are those of the shared write:
latency is still measured from the moment the reader could have had the
frame. A frame with a pause or a line error in it never queues; it goes out
on its own, after what is queued. A line that paces itself (a UART, the M-Bus
line) spends each frame's line time in its write, so there every frame keeps
a write and instants of its own.
"""

import time
from typing import NamedTuple

from ..faults import Transmission
from ..lines import Line
from ..meter import Emission

__all__ = ["HOLD_BYTES", "HOLD_S", "FrameBatch", "Sent"]

# The longest a frame waits for company, and the most bytes one write carries.
HOLD_S = 0.001
HOLD_BYTES = 4096


class Sent(NamedTuple):
    """One copy of a frame that went out: what it was and the monotonic instants of its first and last byte (a
    tuple, as schedule.Push)."""

    emission: Emission
    tx: Transmission
    times: tuple[float, float]


def queues(tx: Transmission) -> bool:
    """True for a transmission that is bytes only: no pause, no break, no parity error, no bus fault in the middle."""
    line_events = (tx.gap_at, tx.break_at, tx.bad_parity_at, tx.baud, tx.stretch_at)
    return all(event is None for event in line_events) and not (tx.glitch_bits or tx.power_off_s)


class FrameBatch:
    """The frames waiting to go out together on one line."""

    def __init__(self, line: Line, hold_s: float = HOLD_S, hold_bytes: int = HOLD_BYTES) -> None:
        self._line = line
        self._hold_s = hold_s
        self._hold_bytes = hold_bytes
        self._waiting: list[tuple[Emission, Transmission]] = []
        self._bytes = bytearray()
        self._since = 0.0

    def add(self, emission: Emission, tx: Transmission) -> list[Sent]:
        """Queue one copy of a frame; what had to go out first (too old, or no room), else nothing."""
        data = tx.before + tx.frame
        sent = []
        if self._waiting and (
            time.monotonic() - self._since >= self._hold_s or len(self._bytes) + len(data) > self._hold_bytes
        ):
            sent = self.flush()
        if not self._waiting:
            self._since = time.monotonic()
        self._waiting.append((emission, tx))
        self._bytes += data
        return sent

    def flush(self) -> list[Sent]:
        """Write everything queued in one go; each frame with the instants of that write."""
        if not self._waiting:
            return []
        start = time.monotonic()
        self._line.write(bytes(self._bytes))
        self._line.drain()
        times = (start, time.monotonic())
        sent = [Sent(emission, tx, times) for emission, tx in self._waiting]
        self._waiting.clear()
        self._bytes.clear()
        return sent
