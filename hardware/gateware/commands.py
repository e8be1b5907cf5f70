"""The host-protocol command parser: host bytes in, FIFO entries and status replies out.

The argument table (`ARG_BYTES`) is the host packer's own, so a new opcode is
one line in `hardware/protocol.py` and both sides follow.
"""

from amaranth import Cat, Const, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from ..protocol import ARG_BYTES, STATUS_BYTES, Opcode, StatusFlag
from .line import Entry

__all__ = ["CommandParser"]


class CommandParser(wiring.Component):
    """Decodes opcodes and arguments; queues entries, answers STATUS at once.

    The host link cannot be paused, so an entry that finds the FIFO full is
    dropped and the OVERFLOW flag set; a host that follows the credits from
    STATUS never sees it.
    """

    def __init__(self, fifo_depth):
        self._depth = fifo_depth
        super().__init__(
            {
                "host_bytes": In(stream.Signature(8, always_ready=True)),
                "entries": Out(stream.Signature(Entry)),
                "fifo_level": In(range(fifo_depth + 1)),
                "line_idle": In(1),
                "replies": Out(stream.Signature(8)),
            }
        )

    def elaborate(self, platform):
        m = Module()
        opcode = Signal(4)
        arg = Signal(24)
        index = Signal(range(3))
        data_left = Signal(range(257))
        overflow = Signal()
        bad_opcode = Signal()
        status_pending = Signal()
        byte = self.host_bytes.payload

        # The reply snapshot clears the error flags; statements below it win, so an
        # error or a STATUS in the very cycle of a snapshot is kept for the next one.
        self._reply(m, status_pending, overflow, bad_opcode)
        with m.If(self.entries.valid & ~self.entries.ready):
            m.d.sync += overflow.eq(1)

        with m.FSM():
            with m.State("OPCODE"), m.If(self.host_bytes.valid):
                m.d.sync += [opcode.eq(byte), arg.eq(0), index.eq(0)]
                with m.Switch(byte):
                    with m.Case(Opcode.STATUS):
                        m.d.sync += status_pending.eq(1)
                    with m.Case(*(code for code, n in ARG_BYTES.items() if n)):
                        m.next = "ARGUMENT"
                    with m.Default():
                        m.d.sync += bad_opcode.eq(1)
            with m.State("ARGUMENT"), m.If(self.host_bytes.valid):
                m.d.sync += [arg.word_select(index, 8).eq(byte), index.eq(index + 1)]
                with m.If(self._last_argument_byte(m, opcode, index)):
                    self._finish_command(m, opcode, arg, index, byte, data_left)
            with m.State("DATA"), m.If(self.host_bytes.valid):
                self._push(m, Opcode.DATA, byte)
                m.d.sync += data_left.eq(data_left - 1)
                with m.If(data_left == 1):
                    m.next = "OPCODE"
        return m

    @staticmethod
    def _last_argument_byte(m, opcode, index):
        last = Signal()
        with m.Switch(opcode):
            for code, n in ARG_BYTES.items():
                if n:
                    with m.Case(code):
                        m.d.comb += last.eq(index == n - 1)
        return last

    def _finish_command(self, m, opcode, arg, index, byte, data_left):
        with m.If(opcode == Opcode.DATA):
            m.d.sync += data_left.eq(Cat(byte, byte == 0))  # a count of 0 means 256
            m.next = "DATA"
        with m.Else():
            # The last byte is still on the input: merge it into the argument as it is queued.
            full = Signal(24)
            m.d.comb += full.eq(arg)
            m.d.comb += full.word_select(index, 8).eq(byte)
            self._push(m, opcode, full)
            m.next = "OPCODE"

    def _push(self, m, op, arg):
        m.d.comb += [self.entries.valid.eq(1), self.entries.payload.op.eq(op), self.entries.payload.arg.eq(arg)]

    def _reply(self, m, status_pending, overflow, bad_opcode):
        """Send STATUS, free entries (u16) and flags; reading clears the error flags."""
        reply = Signal(8 * STATUS_BYTES)
        left = Signal(range(STATUS_BYTES + 1))
        free = Signal(16)
        m.d.comb += free.eq(self._depth - self.fifo_level)
        flags = Signal(8)
        m.d.comb += flags.eq(
            Mux(self.line_idle & (self.fifo_level == 0), StatusFlag.IDLE, 0)
            | Mux(overflow, StatusFlag.OVERFLOW, 0)
            | Mux(bad_opcode, StatusFlag.BAD_OPCODE, 0)
        )
        m.d.comb += [self.replies.payload.eq(reply[:8]), self.replies.valid.eq(left != 0)]
        with m.If(self.replies.valid & self.replies.ready):
            m.d.sync += [reply.eq(reply >> 8), left.eq(left - 1)]
        with m.If((left == 0) & status_pending):
            m.d.sync += [
                reply.eq(Cat(Const(Opcode.STATUS, 8), free, flags)),
                left.eq(STATUS_BYTES),
                status_pending.eq(0),
                overflow.eq(0),
                bad_opcode.eq(0),
            ]
