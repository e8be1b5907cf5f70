"""A parity- and timing-aware UART monitor for the M-Bus line, in clock cycles.

The gateware's tests and the simulated line both see the line as a list of
level changes stamped in clock cycles. This module turns that into characters
the way a UART does (a falling edge, then a sample in the middle of each bit)
and reports parity and stop bits as they came, so a test can tell a flipped
parity bit from a framing error. It is written from the standard, not from
the gateware, so the gateware's own mistakes show.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from simulator.lines.mbus import Parity

__all__ = ["Character", "LineTrace", "decode_uart", "edge_errors"]


@dataclass(frozen=True)
class Character:
    """One character as a receiver saw it."""

    start: int  # cycle of the start bit's falling edge
    byte: int
    parity_ok: bool  # True when the format has no parity
    stop_ok: bool  # every stop bit was mark

    @property
    def clean(self) -> bool:
        """Neither a parity nor a framing error."""
        return self.parity_ok and self.stop_ok


class LineTrace:
    """The logic level of the line (True = mark) over time, kept as its changes."""

    def __init__(self, initial: bool = True):
        self.times = [0]
        self.marks = [initial]

    def record(self, time: int, mark: bool) -> None:
        """Note the level at `time` (cycles); repeats of the same level are ignored."""
        if mark != self.marks[-1]:
            self.times.append(time)
            self.marks.append(mark)

    def mark_at(self, time: float) -> bool:
        """The level at `time`."""
        return self.marks[bisect.bisect_right(self.times, time) - 1]

    def next_fall(self, after: float) -> int | None:
        """The first mark-to-space change at or after `after`, or None."""
        index = bisect.bisect_left(self.times, after)
        for i in range(max(index, 1), len(self.times)):
            if not self.marks[i] and self.marks[i - 1]:
                return self.times[i]
        return None

    def edges(self, start: int = 0, end: float = float("inf")) -> list[int]:
        """Times of every change in [start, end]."""
        return [t for t in self.times[1:] if start <= t <= end]


def _slots(parity: Parity, stop_bits: int) -> int:
    return 10 + (parity != Parity.NONE) + (stop_bits - 1)


def decode_uart(
    trace: LineTrace, divisor: float, parity: Parity, stop_bits: int = 1, end: float = float("inf"), after: float = 0
) -> list[Character]:
    """Characters starting at or after `after` and complete by `end`, sampled mid-bit."""
    characters = []
    fall = trace.next_fall(after)
    slots = _slots(parity, stop_bits)
    while fall is not None and fall + slots * divisor <= end:

        def bit(slot: int, fall: float = fall) -> int:
            return int(trace.mark_at(fall + (slot + 0.5) * divisor))

        if bit(0):
            # Space too short to reach mid-bit: a glitch, not a start bit.
            fall = trace.next_fall(fall + 1)
            continue
        byte = sum(bit(1 + i) << i for i in range(8))
        parity_ok = True
        if parity != Parity.NONE:
            expected = (bin(byte).count("1") + (parity == Parity.ODD)) % 2
            parity_ok = bit(9) == expected
        first_stop = 10 if parity == Parity.NONE else 11
        stop_ok = all(bit(first_stop - 1 + i) for i in range(stop_bits))
        characters.append(Character(fall, byte, parity_ok, stop_ok))
        # A receiver looks for the next start edge after the middle of the last stop bit.
        fall = trace.next_fall(fall + (slots - 0.5) * divisor)
    return characters


def edge_errors(trace: LineTrace, start: int, divisor: int, end: float = float("inf")) -> list[int]:
    """Each edge's distance in cycles from the ideal bit grid that starts at `start`."""
    errors = []
    for time in trace.edges(start, end):
        offset = (time - start) % divisor
        errors.append(offset if offset <= divisor // 2 else offset - divisor)
    return errors
