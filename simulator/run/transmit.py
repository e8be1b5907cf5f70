"""Putting one Transmission on a line: noise first, then the frame with its pauses and line errors."""

import time

from ..faults import Transmission
from ..lines import Line, write_paced

__all__ = ["transmit"]


def _drifted(line: Line, frame: bytes, baud: int) -> tuple[float, float]:
    """The whole frame at the drifted rate (the UART reconfigured around it); the instants as transmit gives them."""
    start = time.monotonic()
    line.write_at_baud(frame, baud)
    return start, time.monotonic()


def _cut_points(tx: Transmission) -> list[int]:
    points = {p for p in (tx.gap_at, tx.break_at, tx.bad_parity_at) if p is not None}
    if tx.bad_parity_at is not None:
        points.add(tx.bad_parity_at + 1)
    return sorted(points | {0, len(tx.frame)})


def transmit(line: Line, tx: Transmission, byte_time: float | None) -> tuple[float, float]:
    """Send `tx`; the monotonic instants the frame's first byte went out and its last byte had left."""
    if tx.before:
        write_paced(line, tx.before, byte_time)
    if tx.baud is not None:
        return _drifted(line, tx.frame, tx.baud)
    start = time.monotonic()
    points = _cut_points(tx)
    for begin, end in zip(points, points[1:]):
        if begin == tx.gap_at:
            time.sleep(tx.gap_s)
        if begin == tx.break_at:
            line.send_break(2 * line.serial.byte_time)
        if begin == tx.bad_parity_at:
            line.write_bad_parity(tx.frame[begin])
        else:
            write_paced(line, tx.frame[begin:end], byte_time)
    line.drain()
    return start, time.monotonic()
