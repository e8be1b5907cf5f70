"""The line emulator in Amaranth's simulator, driven like a serial port.

`EmulatorSim` behaves as the board does on its USB UART: `write()` queues
host bytes that a testbench shifts into `host_rx` at the host divisor,
`read()` runs the simulation until the board's replies arrive, and every
change of the line level is recorded in cycles. The tests, the benchmark and
the simulated line all use it, so they exercise one harness.
"""

from __future__ import annotations

from collections import deque

from amaranth import Module, Signal
from amaranth.sim import Simulator

from .gateware.emulator import LineEmulator
from .levels import Level
from .monitor import LineTrace

__all__ = ["CYCLE_S", "EmulatorSim"]

# Simulated seconds per clock cycle: the simulator's own time unit only, so
# that simulator time in microseconds equals the cycle count.
CYCLE_S = 1e-6


async def _ticks(ctx, count):
    # One tick at a time: a pending `repeat()` generator left at the end of a
    # run is closed by the garbage collector, which Amaranth reports as an error.
    for _ in range(count):
        await ctx.tick()


class EmulatorSim:
    """One simulated board: host bytes in, replies out, the line level recorded."""

    def __init__(self, emulator: LineEmulator, host_divisor: int, vcd: str | None = None):
        self.emulator = emulator
        self.host_divisor = host_divisor
        self.replies = bytearray()
        self.trace = LineTrace()
        self.levels: list[tuple[int, Level]] = [(0, Level.MARK)]  # every level change, in cycles
        self._from_host: deque[int] = deque()
        self._cycle = Signal(48)
        top = Module()
        top.submodules.emulator = emulator
        top.d.sync += self._cycle.eq(self._cycle + 1)
        self.sim = Simulator(top)
        self.sim.add_clock(CYCLE_S)
        self.sim.add_testbench(self._drive_host, background=True)
        self.sim.add_testbench(self._watch_replies, background=True)
        self.sim.add_process(self._watch_line)
        self._now = 0
        self._vcd = vcd
        self._shifting = False  # a host byte is on its way into host_rx
        self._line_idle = True

    @property
    def idle(self) -> bool:
        """Every host byte shifted in, the FIFO empty and the line at rest."""
        return not self._from_host and not self._shifting and self._line_idle

    @property
    def cycle(self) -> int:
        """Clock cycles simulated so far."""
        return self._now

    # The pyserial-like face: what the host-protocol client needs.
    def write(self, data: bytes) -> int:
        """Queue host bytes; they go out on host_rx as the simulation runs."""
        self._from_host.extend(data)
        return len(data)

    def read(self, size: int = 1) -> bytes:
        """Run until `size` reply bytes came (or a generous time passed) and return them."""
        bit_cycles = self.host_divisor * 10
        limit = self._now + bit_cycles * (len(self._from_host) + size + 8)
        while len(self.replies) < size and self._now < limit:
            self.run(bit_cycles)
        out, self.replies[:] = bytes(self.replies[:size]), self.replies[size:]
        return out

    def flush(self) -> None:
        """Run until every queued host byte has been shifted in."""
        while self._from_host:
            self.run(self.host_divisor * 10 * len(self._from_host))

    def run(self, cycles: int) -> None:
        """Advance the simulation by `cycles` clock cycles."""
        self._now += cycles
        self.sim.run_until(self._now * CYCLE_S)

    def run_until_idle(self, limit: int) -> None:
        """Run until the host queue is empty and the line at rest, at most `limit` cycles."""
        stop = self._now + limit
        self.flush()
        step = max(self.host_divisor * 10, 64)
        while self._now < stop:
            self.run(step)
            if self.idle:
                return
        raise TimeoutError(f"line still busy after {limit} cycles")

    async def _drive_host(self, ctx):
        rx = self.emulator.host_rx
        while True:
            if not self._from_host:
                # Nothing to send: sleep a character time in one step (a host's
                # UART is asynchronous to the board, so no clock alignment is lost).
                await ctx.delay(self.host_divisor * 10 * CYCLE_S)
                continue
            byte = self._from_host.popleft()
            self._shifting = True
            for bit in [0, *((byte >> i) & 1 for i in range(8)), 1]:
                ctx.set(rx, bit)
                await _ticks(ctx, self.host_divisor)
            self._shifting = False

    async def _watch_replies(self, ctx):
        tx = self.emulator.host_tx
        half = self.host_divisor // 2
        while True:
            await ctx.negedge(tx)
            await _ticks(ctx, half + self.host_divisor)
            byte = 0
            for i in range(8):
                byte |= ctx.get(tx) << i
                await _ticks(ctx, self.host_divisor)
            self.replies.append(byte)

    async def _watch_line(self, ctx):
        watched = ctx.changed(self.emulator.level, self.emulator.line_idle).sample(self._cycle)
        async for level, idle, now in watched:
            self._line_idle = bool(idle)
            if level != self.levels[-1][1]:
                self.levels.append((now, Level(level)))
            self.trace.record(now, level == Level.MARK)
