"""A frame of every make and list through the FIFO with credits, decoded back (FAST build)."""

import cocotb

from cocotb_board import Board
from frames import frame_format, reference_frames
from hardware.monitor import decode_uart
from line_model import PARITIES
from simulator.lines.mbus import StatusFlag, pack_format


@cocotb.test()
@cocotb.parametrize(key=list(reference_frames()))
async def profile_frame(dut, key):
    """A whole frame through a FIFO smaller than it, with credits, decodes back unchanged."""
    board = await Board(dut).start()
    frame = reference_frames()[key]
    parity, stop_bits = frame_format(key)
    await board.write(pack_format(parity, stop_bits))
    await board.send_with_credits(frame)
    await board.until_idle(len(frame) * 12 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
    assert bytes(c.byte for c in chars) == frame
    assert all(c.clean for c in chars), [c for c in chars if not c.clean][:3]
    assert not (await board.status()).flags & StatusFlag.OVERFLOW
