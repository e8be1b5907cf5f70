"""Gateware tests at logic speed (FAST build): faults, formats, frames, host protocol."""

import os
import tomllib
from pathlib import Path

import cocotb

from cocotb_board import Board
from frames import reference_frame
from hardware.gateware.line import Level
from hardware.monitor import decode_uart
from line_model import (PARITIES, LineModel, first_difference, observed_segments, to_wire,
                        trimmed)
from simulator.lines.mbus import Opcode, StatusFlag, pack, pack_data, pack_format

SCENARIOS = Path(__file__).resolve().parent / "fault_scenarios.toml"
PRELOAD_BITS = 100  # idle mark at the start while the host fills the FIFO


def scenario(name: str) -> dict:
    """One entry of fault_scenarios.toml."""
    return tomllib.loads(SCENARIOS.read_text())[name]


def frame_format(key: str) -> tuple[str, int]:
    """Kamstrup sends 8N1, Kaifa and Aidon 8E1 (HAN-FACTS.md)."""
    return ("N", 1) if key.startswith("kamstrup") else ("E", 1)


@cocotb.test()
async def fault_scenario(dut):
    """The line equals the model cycle for cycle, and the monitor reads what the fault implies."""
    board = await Board(dut).start()
    case = scenario(os.environ["HB_SCENARIO"])
    ops = [["wait", PRELOAD_BITS], *case["ops"]]
    await board.write(to_wire(ops))
    await board.until_idle(PRELOAD_BITS * board.line_divisor * 4)

    expected = trimmed(LineModel(board.line_divisor).play(ops))
    seen = trimmed(observed_segments(board.levels))
    assert seen == expected, first_difference(seen, expected)

    if "decoded" in case:
        parity, stop_bits = case.get("format", ["E", 1])
        chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
        seen = [[f"{c.byte:02X}", "ok" if c.clean else "parity" if c.stop_ok else "framing"]
                for c in chars]
        assert seen == case["decoded"]


@cocotb.test()
async def profile_frame(dut):
    """A whole frame through a FIFO smaller than it, with credits, decodes back unchanged."""
    board = await Board(dut).start()
    key = os.environ["HB_FRAME"]
    frame = reference_frame(key)
    parity, stop_bits = frame_format(key)
    await board.write(pack_format(parity, stop_bits))
    await board.send_with_credits(frame)
    await board.until_idle(len(frame) * 12 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
    assert bytes(c.byte for c in chars) == frame
    assert all(c.clean for c in chars)
    assert not (await board.status()).flags & StatusFlag.OVERFLOW


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
    chars = decode_uart(board.trace, board.line_divisor, PARITIES["E"])
    assert bytes(c.byte for c in chars) == data[:board.fifo_depth]
    assert (await board.status()).flags == StatusFlag.IDLE


@cocotb.test()
async def credits_fill_the_fifo_without_loss(dut):
    """Following credits, the host fills the FIFO to the brim; `ready` drops, nothing is lost."""
    board = await Board(dut).start()
    data = bytes((i * 37) & 0xFF for i in range(6 * board.fifo_depth))
    ready_low = []
    cocotb.start_soon(_watch_ready(dut, ready_low))
    await board.send_with_credits(data)
    await board.until_idle(len(data) * 12 * board.line_divisor)
    chars = decode_uart(board.trace, board.line_divisor, PARITIES["E"])
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
