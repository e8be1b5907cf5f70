"""The host protocol: status replies, error flags, overflow and credit flow control (FAST build)."""

import cocotb
from cocotb_board import Board

from hardware.levels import Level
from hardware.monitor import decode_uart
from hardware.protocol import Opcode, Parity, StatusFlag, pack, pack_data


@cocotb.test()
async def status_counts_entries(dut):
    """STATUS is answered at once with the free entries; queued entries count against it."""
    board = await Board(dut).start()
    status = await board.status()
    assert (status.free, status.flags) == (board.fifo_depth, StatusFlag.IDLE)
    await board.write(pack(Opcode.WAIT, 1000) + pack_data(bytes(5)))
    status = await board.status()
    # The WAIT left the FIFO for the line at once; the five bytes wait behind it.
    assert (status.free, status.flags) == (board.fifo_depth - 5, StatusFlag(0))


@cocotb.test()
async def bad_opcode_is_flagged_once(dut):
    """A byte that is no opcode sets BAD_OPCODE, which the next reply clears; the line stays idle."""
    board = await Board(dut).start()
    await board.write(bytes([0xEE]))
    assert (await board.status()).flags == StatusFlag.IDLE | StatusFlag.BAD_OPCODE
    assert (await board.status()).flags == StatusFlag.IDLE
    assert board.levels == [(0, Level.MARK)]


@cocotb.test()
async def overflow_drops_and_flags(dut):
    """A host that ignores credits overfills the FIFO: the excess is dropped and flagged."""
    board = await Board(dut).start()
    data = bytes(range(0x40, 0x40 + board.fifo_depth + 4))
    await board.write(pack(Opcode.WAIT, 200) + pack_data(data))
    status = await board.status()
    assert (status.free, status.flags) == (0, StatusFlag.OVERFLOW)
    await board.until_idle(len(data) * 12 * board.line_divisor + 200 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, Parity.EVEN)
    assert bytes(c.byte for c in chars) == data[: board.fifo_depth]
    assert (await board.status()).flags == StatusFlag.IDLE


@cocotb.test()
async def credits_fill_the_fifo_without_loss(dut):
    """Following credits, the host fills the FIFO to the brim; `ready` drops, nothing is lost."""
    board = await Board(dut).start()
    data = bytes((i * 37) & 0xFF for i in range(6 * board.fifo_depth))
    ready_low: list[int] = []
    cocotb.start_soon(_watch_ready(dut, ready_low))
    await board.send_with_credits(data)
    await board.until_idle(len(data) * 12 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, Parity.EVEN)
    assert bytes(c.byte for c in chars) == data
    assert all(c.clean for c in chars)
    assert ready_low, "ready never dropped although the FIFO was filled"
    assert int(dut.ready.value) == 1
    assert (await board.status()).flags == StatusFlag.IDLE


async def _watch_ready(dut, record):
    while True:
        await dut.ready.value_change
        if not int(dut.ready.value):
            record.append(True)
