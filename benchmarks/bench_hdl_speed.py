"""How many seconds of M-Bus line time the gateware simulates per second of wall time.

Icarus (through cocotb, the whole-frame timing test on a captured 41-byte
Kaifa frame) and Amaranth's simulator (the EmulatorSim harness), each at the
board's real clock (12 MHz, 5000 cycles per 2400-baud bit) and at the scaled
clocks the tests and the simulated line use. Prints medians; never pass/fail.
"""

import statistics
import tempfile
import time
import tomllib
from pathlib import Path
from xml.etree import ElementTree

from hardware import hdl_build
from hardware.gateware.emulator import LineEmulator
from hardware.protocol import pack_data
from hardware.sim import EmulatorSim

ROOT = Path(__file__).resolve().parents[1]
# The timing test is what Icarus runs: its cocotb module is a file of the gateware tests.
COCOTB_MODULES = ROOT / "tests" / "hardware"

REPEATS = 3
BAUD = 2400


def icarus(params: dict, runs: int) -> float:
    """Line seconds per wall second for the 41-byte frame in Icarus."""
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        built = hdl_build.build(Path(tmp), **params)
        for _ in range(runs):
            results = hdl_build.run(built, "cocotb_timing", COCOTB_MODULES, HB_FORMAT="8E1", HB_FRAME="kaifa-l1")
            [case] = ElementTree.parse(results).getroot().iter("testcase")
            props = {p.get("name"): p.get("value") for p in case.iter("property")}
            sim_ns = float(props["sim_time_stop"]) - float(props["sim_time_start"])
            cycles = sim_ns / hdl_build.PERIOD_NS
            line_s = cycles / (params["line_divisor"] * BAUD)
            rates.append(line_s / float(case.get("time")))
    return statistics.median(rates)


def amaranth(params: dict, data: bytes, runs: int) -> float:
    """Line seconds per wall second for `data` in Amaranth's simulator."""
    rates = []
    for _ in range(runs):
        sim = EmulatorSim(LineEmulator(**params), params["host_divisor"])
        start = time.perf_counter()
        sim.write(pack_data(data))
        sim.run_until_idle(len(data) * 12 * params["line_divisor"] + 10_000)
        rates.append(sim.cycle / (params["line_divisor"] * BAUD) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    reference = tomllib.loads((ROOT / "captures" / "reference-frames.toml").read_text())
    frame = bytes.fromhex(reference["kaifa-l1"]["hex"])
    scaled = dict(host_divisor=4, line_divisor=4, fifo_depth=64)
    rows = [
        ("Icarus, 12 MHz (5000 cycles/bit)", icarus(hdl_build.REAL, 1)),
        ("Icarus, 16 cycles/bit (tests)", icarus(hdl_build.FAST, REPEATS)),
        ("Amaranth, 12 MHz (5000 cycles/bit)", amaranth(hdl_build.REAL, frame[:3], 1)),
        ("Amaranth, 16 cycles/bit (tests)", amaranth(hdl_build.FAST, frame, REPEATS)),
        ("Amaranth, 4 cycles/bit (simulated line)", amaranth(scaled, frame, REPEATS)),
    ]
    for name, rate in rows:
        print(f"{name:42s} {rate:10.4f} line s per wall s")


if __name__ == "__main__":
    main()
