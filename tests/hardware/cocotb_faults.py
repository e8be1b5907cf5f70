"""Every fault does what fault_scenarios.toml says and nothing else (FAST build)."""

import tomllib
from pathlib import Path

import cocotb
from cocotb_board import Board
from line_model import PARITIES, LineModel, first_difference, observed_segments, to_wire, trimmed

from hardware.monitor import decode_uart

SCENARIOS = Path(__file__).resolve().parent / "fault_scenarios.toml"
PRELOAD_BITS = 100  # idle mark at the start while the host fills the FIFO


def scenarios() -> dict[str, dict]:
    """The scenarios of fault_scenarios.toml by name."""
    return tomllib.loads(SCENARIOS.read_text())


@cocotb.test()
@cocotb.parametrize(name=list(scenarios()))
async def fault_scenario(dut, name):
    """The line equals the model cycle for cycle, and the monitor reads what the fault implies."""
    board = await Board(dut).start()
    case = scenarios()[name]
    ops = [["wait", PRELOAD_BITS], *case["ops"]]
    await board.write(to_wire(ops))
    await board.until_idle(PRELOAD_BITS * board.line_divisor * 4)

    expected = trimmed(LineModel(board.line_divisor).play(ops))
    seen = trimmed(observed_segments(board.levels))
    assert seen == expected, first_difference(seen, expected)

    if "decoded" in case:
        parity, stop_bits = case.get("format", ["E", 1])
        chars = decode_uart(board.trace, board.line_divisor, PARITIES[parity], stop_bits)
        decoded = [[f"{c.byte:02X}", "ok" if c.clean else "parity" if c.stop_ok else "framing"] for c in chars]
        assert decoded == case["decoded"]
