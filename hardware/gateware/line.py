"""The M-Bus line stage: characters, timed levels and faults, cycle exact.

It executes the transmit FIFO's entries in order. A character is built as
bit slots (slot 0 the start bit, then data LSB first, the parity bit if any,
then the stop bits) and each slot is held for exactly `divisor` clock cycles,
so the k-th bit edge of a back-to-back frame falls exactly k * divisor cycles
after the first: the next character or timed level is taken in the last cycle
of the one before, without a gap.

Settings and fault arming (SET_DIVISOR, SET_FORMAT, FLIP, STRETCH) take no
line time: they are taken from the FIFO while a character or timed level is
running and affect the next character, which latches its own divisor, so
a setting never changes a character half way.
"""

from amaranth import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import data, enum, stream, wiring
from amaranth.lib.wiring import In, Out

from ..levels import Level
from ..protocol import Opcode, Parity

__all__ = ["SLOTS", "Entry", "LineTransmitter", "parity_bit"]

# One FIFO entry: an opcode and its argument (for DATA, the byte in arg[0:8]).
Entry = data.StructLayout({"arg": 24, "op": 4})
SLOTS = 12  # start + 8 data + parity + 2 stop


class _Mode(enum.Enum, shape=2):
    IDLE = 0
    CHAR = 1
    TIMED = 2


# Timed entries and the level each holds; durations are bit times except GLITCH (cycles).
_TIMED = {Opcode.WAIT: Level.MARK, Opcode.BREAK: Level.SPACE, Opcode.POWER_OFF: Level.OFF, Opcode.GLITCH: Level.SPACE}
_INSTANT = (Opcode.SET_DIVISOR, Opcode.SET_FORMAT, Opcode.FLIP, Opcode.STRETCH)


def parity_bit(byte, parity):
    """The parity slot's value for `byte`: even parity makes the count of ones even."""
    return byte.xor() ^ (parity == Parity.ODD)


class LineTransmitter(wiring.Component):
    """Turns FIFO entries into the M-Bus line level with exact bit timing and faults."""

    entries: In(stream.Signature(Entry))
    level: Out(2, init=Level.MARK)
    idle: Out(1)

    def __init__(self, *, divisor=5000, parity=Parity.EVEN, stop_bits=1):
        if not isinstance(divisor, int) or not 2 <= divisor <= 0xFFFF:
            raise ValueError(f"divisor must be an integer from 2 to 65535, not {divisor!r}")
        if stop_bits not in (1, 2):
            raise ValueError(f"stop_bits must be 1 or 2, not {stop_bits!r}")
        self._reset = (divisor, Parity(parity), stop_bits)
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        divisor, parity, stop_bits = self._reset
        self.divisor = Signal(16, init=divisor)
        self.parity = Signal(2, init=parity)
        self.two_stop = Signal(init=stop_bits == 2)
        # Faults armed for the next character.
        self.flip_mask = Signal(SLOTS)
        self.stretch_on = Signal()
        self.stretch_slot = Signal(4)
        self.stretch_cycles = Signal(signed(16))

        mode = Signal(_Mode)
        hold = Signal(2)  # the level of a timed entry
        shreg = Signal(SLOTS)  # the character's slots, current one in bit 0
        slot = Signal(4)
        units = Signal(24)  # slots or duration units left, the current one included
        count = Signal(18)  # cycles left in the current unit, minus one
        unit_len = Signal(16)  # cycles per unit, latched when the entry starts
        char_stretch_on = Signal()
        char_stretch_slot = Signal(4)
        char_stretch_cycles = Signal(signed(16))

        entry = Entry(self.entries.payload)
        last_cycle = (count == 0) & (units == 1)
        at_boundary = (mode == _Mode.IDLE) | last_cycle

        def unit_cycles_minus_one(next_slot, stretch_on, stretch_slot, stretch_cycles, length):
            stretched = stretch_on & (next_slot == stretch_slot)
            return (length - 1 + Mux(stretched, stretch_cycles, 0))[:18]

        with m.If(mode != _Mode.IDLE):
            with m.If(count == 0):
                m.d.sync += [
                    units.eq(units - 1),
                    slot.eq(slot + 1),
                    shreg.eq(shreg >> 1),
                    count.eq(
                        unit_cycles_minus_one(
                            slot + 1,
                            char_stretch_on & (mode == _Mode.CHAR),
                            char_stretch_slot,
                            char_stretch_cycles,
                            unit_len,
                        )
                    ),
                ]
            with m.Else():
                m.d.sync += count.eq(count - 1)

        with m.If(at_boundary):
            m.d.comb += self.entries.ready.eq(1)
            m.d.sync += mode.eq(_Mode.IDLE)
            with m.If(self.entries.valid):
                self._start(
                    m,
                    entry,
                    mode,
                    hold,
                    shreg,
                    slot,
                    units,
                    count,
                    unit_len,
                    char_stretch_on,
                    char_stretch_slot,
                    char_stretch_cycles,
                )
        with m.Elif(self.entries.valid & self._is_instant(entry.op)):
            m.d.comb += self.entries.ready.eq(1)
        with m.If(self.entries.valid & self.entries.ready):
            self._apply_instant(m, entry)

        # Registered, so the driver's transistors never see a combinational glitch;
        # every edge is late by the same one cycle, which keeps the bit grid exact.
        with m.Switch(mode):
            with m.Case(_Mode.IDLE):
                m.d.sync += self.level.eq(Level.MARK)
            with m.Case(_Mode.CHAR):
                m.d.sync += self.level.eq(Mux(shreg[0], Level.MARK, Level.SPACE))
            with m.Case(_Mode.TIMED):
                m.d.sync += self.level.eq(hold)
        m.d.comb += self.idle.eq((mode == _Mode.IDLE) & ~self.entries.valid)
        return m

    @staticmethod
    def _is_instant(op):
        return Cat(*(op == code for code in _INSTANT)).any()

    def _char_slots(self, byte):
        """Start bit, data LSB first, parity when set, then stop bits (ones) to the end."""
        with_parity = Cat(Const(0, 1), byte, parity_bit(byte, self.parity), Const(0b111, 3))
        without = Cat(Const(0, 1), byte, Const(0b111, 3))
        slots = Mux(self.parity == Parity.NONE, without, with_parity)
        return slots ^ self.flip_mask

    def _start(
        self,
        m,
        entry,
        mode,
        hold,
        shreg,
        slot,
        units,
        count,
        unit_len,
        char_stretch_on,
        char_stretch_slot,
        char_stretch_cycles,
    ):
        """Begin the entry at the FIFO head: a character or a timed level."""
        with m.Switch(entry.op):
            with m.Case(Opcode.DATA):
                n_slots = 10 + (self.parity != Parity.NONE) + self.two_stop
                first = Mux(self.stretch_on & (self.stretch_slot == 0), self.stretch_cycles, 0)
                m.d.sync += [
                    mode.eq(_Mode.CHAR),
                    shreg.eq(self._char_slots(entry.arg[:8])),
                    slot.eq(0),
                    units.eq(n_slots),
                    unit_len.eq(self.divisor),
                    count.eq((self.divisor - 1 + first)[:18]),
                    char_stretch_on.eq(self.stretch_on),
                    char_stretch_slot.eq(self.stretch_slot),
                    char_stretch_cycles.eq(self.stretch_cycles),
                    # The faults were for this character only.
                    self.flip_mask.eq(0),
                    self.stretch_on.eq(0),
                ]
            for opcode, level in _TIMED.items():
                with m.Case(opcode):
                    length = 1 if opcode is Opcode.GLITCH else self.divisor
                    m.d.sync += [
                        hold.eq(level),
                        units.eq(entry.arg),
                        unit_len.eq(length),
                        count.eq(length - 1),
                        slot.eq(0),
                    ]
                    with m.If(entry.arg != 0):
                        m.d.sync += mode.eq(_Mode.TIMED)

    def _apply_instant(self, m, entry):
        """Settings and fault arming: no line time, they act on the next character."""
        with m.Switch(entry.op):
            with m.Case(Opcode.SET_DIVISOR):
                m.d.sync += self.divisor.eq(entry.arg[:16])
            with m.Case(Opcode.SET_FORMAT):
                m.d.sync += [self.parity.eq(entry.arg[:2]), self.two_stop.eq(entry.arg[2])]
            with m.Case(Opcode.FLIP):
                m.d.sync += self.flip_mask.eq(entry.arg[:SLOTS])
            with m.Case(Opcode.STRETCH):
                m.d.sync += [
                    self.stretch_on.eq(1),
                    self.stretch_slot.eq(entry.arg[:4]),
                    self.stretch_cycles.eq(entry.arg[8:24]),
                ]
