"""The line emulator under cocotb: a host UART, a reply reader and a line recorder.

Loaded inside Icarus by the cocotb test modules. Time is counted in clock
cycles throughout, so a test compares edges with the bit grid directly.
"""

from __future__ import annotations

import os

import cocotb
from cocotb.triggers import FallingEdge, Timer
from cocotb.utils import get_sim_time

from hardware.levels import Level
from hardware.monitor import LineTrace
from hardware.protocol import STATUS_BYTES, Opcode, pack, pack_data, unpack_status

PERIOD_NS = 10  # the wrapper's clock (hardware/hdl_build.py WRAPPER)


def setting(name: str) -> int:
    """An integer build parameter handed over by the pytest side (see hardware/hdl_build.py)."""
    return int(os.environ[f"HB_{name.upper()}"])


class Board:
    """The DUT seen from a host and from a probe on the M-Bus line."""

    def __init__(self, dut):
        self.dut = dut
        self.host_divisor = setting("host_divisor")
        self.line_divisor = setting("line_divisor")
        self.fifo_depth = setting("fifo_depth")
        self.trace = LineTrace()
        self.levels: list[tuple[int, Level]] = [(0, Level.MARK)]
        self.replies = bytearray()

    async def start(self) -> Board:
        """Reset, then the two watchers."""
        self.dut.host_rx.value = 1
        self.dut.rst.value = 1
        await self.cycles(4)
        self.dut.rst.value = 0
        cocotb.start_soon(self._watch_line())
        cocotb.start_soon(self._watch_replies())
        return self

    def now(self) -> int:
        """The current clock cycle."""
        return int(get_sim_time("ns")) // PERIOD_NS

    async def cycles(self, count: int) -> None:
        """Wait `count` clock cycles (one timer, not one wake-up per edge)."""
        await Timer(count * PERIOD_NS, unit="ns")

    async def write(self, data: bytes) -> None:
        """Shift host bytes into host_rx, 8N1 at the host divisor."""
        for byte in data:
            for bit in [0, *((byte >> i) & 1 for i in range(8)), 1]:
                self.dut.host_rx.value = bit
                await self.cycles(self.host_divisor)

    async def status(self):
        """Ask for and decode a status reply."""
        await self.write(pack(Opcode.STATUS))
        deadline = self.now() + self.host_divisor * 10 * (STATUS_BYTES + 2)
        while len(self.replies) < STATUS_BYTES and self.now() < deadline:
            await self.cycles(self.host_divisor)
        self.dut._log.info("replies %s at %d", self.replies.hex(), self.now())
        reply, self.replies[:] = bytes(self.replies[:STATUS_BYTES]), self.replies[STATUS_BYTES:]
        return unpack_status(reply)

    async def send_with_credits(self, data: bytes) -> None:
        """DATA commands never larger than the free entries the board reports."""
        while data:
            free = (await self.status()).free
            if free:
                chunk, data = data[:free], data[free:]
                await self.write(pack_data(chunk))

    async def until_idle(self, limit: int) -> None:
        """Wait for an empty FIFO and a line at rest."""
        deadline = self.now() + limit
        while not int(self.dut.line_idle.value):
            assert self.now() < deadline, f"line still busy after {limit} cycles"
            await self.cycles(self.line_divisor)

    async def _watch_line(self):
        while True:
            await self.dut.level.value_change
            level = Level(int(self.dut.level.value))
            self.levels.append((self.now(), level))
            self.trace.record(self.now(), level == Level.MARK)

    async def _watch_replies(self):
        while True:
            await FallingEdge(self.dut.host_tx)
            await self.cycles(self.host_divisor + self.host_divisor // 2)
            byte = 0
            for i in range(8):
                byte |= int(self.dut.host_tx.value) << i
                await self.cycles(self.host_divisor)
            self.replies.append(byte)
