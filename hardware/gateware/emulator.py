"""The whole M-Bus line emulator: host link, command parser, transmit FIFO, line stage."""

from amaranth import Module
from amaranth.lib import fifo, wiring
from amaranth.lib.wiring import In, Out

from ..levels import Level
from ..protocol import Parity
from .commands import CommandParser
from .line import Entry, LineTransmitter
from .uart import HostReceiver, HostTransmitter

__all__ = ["READY_MARGIN", "LineEmulator"]

# `ready` drops while fewer entries than this are free: a USB UART that honours
# CTS stops within a few bytes, and one DATA command is at most 258 bytes.
READY_MARGIN = 32


class LineEmulator(wiring.Component):
    """Host UART in, M-Bus line level out; `ready` is a CTS-style flow-control output."""

    host_rx: In(1, init=1)
    host_tx: Out(1, init=1)
    ready: Out(1)
    level: Out(2, init=Level.MARK)
    line_idle: Out(1)

    def __init__(self, *, host_divisor=12, line_divisor=5000, parity=Parity.EVEN, stop_bits=1, fifo_depth=512):
        if not isinstance(fifo_depth, int) or fifo_depth < 4:
            raise ValueError(f"fifo_depth must be an integer of at least 4, not {fifo_depth!r}")
        self.fifo_depth = fifo_depth
        self._host_divisor = host_divisor
        self._line = dict(divisor=line_divisor, parity=parity, stop_bits=stop_bits)
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        m.submodules.receiver = receiver = HostReceiver(self._host_divisor)
        m.submodules.parser = parser = CommandParser(self.fifo_depth)
        m.submodules.fifo = queue = fifo.SyncFIFOBuffered(width=Entry.size, depth=self.fifo_depth)
        m.submodules.line = line = LineTransmitter(**self._line)
        m.submodules.transmitter = transmitter = HostTransmitter(self._host_divisor)

        wiring.connect(m, receiver.bytes, parser.host_bytes)
        wiring.connect(m, parser.replies, transmitter.bytes)
        m.d.comb += [
            receiver.rx.eq(self.host_rx),
            self.host_tx.eq(transmitter.tx),
            # The FIFO ports carry raw bits; the entry layout is applied at both ends.
            queue.w_data.eq(parser.entries.payload.as_value()),
            queue.w_en.eq(parser.entries.valid),
            parser.entries.ready.eq(queue.w_rdy),
            line.entries.payload.eq(queue.r_data),
            line.entries.valid.eq(queue.r_rdy),
            queue.r_en.eq(line.entries.ready),
            parser.fifo_level.eq(queue.level),
            parser.line_idle.eq(line.idle),
            self.ready.eq(self.fifo_depth - queue.level >= min(READY_MARGIN, self.fifo_depth // 2)),
            self.level.eq(line.level),
            self.line_idle.eq(line.idle & (queue.level == 0)),
        ]
        return m
