"""Putting one Transmission on a line: noise or a glitch first, then the frame with its pauses and line errors,
then a cut of bus power."""

import itertools
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
    points = {p for p in (tx.gap_at, tx.break_at, tx.bad_parity_at, tx.stretch_at) if p is not None}
    points |= {p + 1 for p in (tx.bad_parity_at, tx.stretch_at) if p is not None}  # one byte sent on its own
    return sorted(points | {0, len(tx.frame)})


def transmit(line: Line, tx: Transmission, byte_time: float | None) -> tuple[float, float]:
    """Send `tx`; the monotonic instants the frame's first byte went out and its last byte had left."""
    if tx.before:
        write_paced(line, tx.before, byte_time)
    if tx.glitch_bits:
        line.glitch(tx.glitch_bits)
    if tx.baud is not None:
        return _drifted(line, tx.frame, tx.baud)
    start = time.monotonic()
    points = _cut_points(tx)
    for begin, end in itertools.pairwise(points):
        if begin == tx.gap_at:
            time.sleep(tx.gap_s)
        if begin == tx.break_at:
            line.send_break(2 * line.serial.byte_time)
        if begin == tx.bad_parity_at:
            line.write_bad_parity(tx.frame[begin])
        elif begin == tx.stretch_at:
            line.write_stretched(tx.frame[begin], tx.stretch_bits)
        else:
            write_paced(line, tx.frame[begin:end], byte_time)
    line.drain()
    last_byte_left = time.monotonic()
    if tx.power_off_s:
        line.power_off(tx.power_off_s)
    return start, last_byte_left
