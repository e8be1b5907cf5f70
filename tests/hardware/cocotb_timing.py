"""Whole-frame bit timing at the board's real rates (12 MHz clock, 2400 baud)."""

import os

import cocotb
from cocotb_board import Board
from frames import reference_frame

from hardware.monitor import decode_uart, edge_errors
from hardware.protocol import Parity, pack_data, pack_format

FORMATS = {"8E1": (Parity.EVEN, 11), "8N1": (Parity.NONE, 10)}


@cocotb.test()
async def frame_on_the_bit_grid(dut):
    """Every edge of a whole frame lies within one clock of k * divisor from the first."""
    board = await Board(dut).start()
    parity, slots = FORMATS[os.environ["HB_FORMAT"]]
    frame = reference_frame(os.environ["HB_FRAME"])
    await board.write(pack_format(parity, 1) + pack_data(frame))
    await board.until_idle(len(frame) * slots * board.line_divisor + 10 * board.line_divisor)

    chars = decode_uart(board.trace, board.line_divisor, parity)
    assert bytes(c.byte for c in chars) == frame
    assert all(c.clean for c in chars), [c for c in chars if not c.clean]
    start = chars[0].start
    errors = edge_errors(board.trace, start, board.line_divisor)
    assert max(map(abs, errors)) <= 1, f"worst edge {max(errors, key=abs)} cycles off the grid"
    # Back to back, no gap: each character starts exactly `slots` bit times after the last.
    assert chars[-1].start - start == (len(frame) - 1) * slots * board.line_divisor
