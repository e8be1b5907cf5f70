"""A frame of every profile through the FIFO with credits, decoded back (FAST build)."""

import itertools

import cocotb
from cocotb_board import Board
from frames import line_format, profile_frame, profile_names
from line_model import PARITIES

from hardware.monitor import decode_uart
from hardware.protocol import StatusFlag, pack_format
from simulator.codec import decode_frame


@cocotb.test()
@cocotb.parametrize(name=profile_names())
async def frame_of_each_profile(dut, name):
    """A whole frame through a FIFO smaller than it, with credits, decodes back unchanged."""
    board = await Board(dut).start()
    frame = profile_frame(name)
    parity, stop_bits = line_format(name)
    await board.write(pack_format(parity, stop_bits))
    await board.send_with_credits(frame)
    await board.until_idle(len(frame) * 12 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
    assert bytes(c.byte for c in chars) == frame
    assert all(c.clean for c in chars), [c for c in chars if not c.clean][:3]
    assert decode_frame(bytes(c.byte for c in chars))["meter"] == name
    assert not (await board.status()).flags & StatusFlag.OVERFLOW


@cocotb.test()
@cocotb.parametrize(serial_format=[("E", 1), ("N", 1), ("O", 1), ("E", 2)])
async def parity_and_stop_bits(dut, serial_format):
    """All 256 byte values: the parity slot and every stop bit are what the format says."""
    board = await Board(dut).start()
    parity, stop_bits = serial_format
    data = bytes(range(256))
    await board.write(pack_format(parity, stop_bits))
    await board.send_with_credits(data)
    await board.until_idle(len(data) * 13 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
    assert bytes(c.byte for c in chars) == data
    bad = [
        f"{c.byte:02X} parity {'ok' if c.parity_ok else 'wrong'} stop {'ok' if c.stop_ok else 'low'}"
        for c in chars
        if not c.clean
    ]
    assert not bad, f"{len(bad)} characters wrong, first: {bad[:4]}"
    slots = 10 + (parity != "N") + stop_bits - 1
    # Back to back: each character takes exactly its slots, no more, no less.
    gaps = {b.start - a.start for a, b in itertools.pairwise(chars)}
    assert gaps == {slots * board.line_divisor}, gaps
