"""The host link's UART (8N1 at a fixed rate): a receiver and a transmitter.

The host link runs fast (1 Mbaud is 12 clock cycles per bit at 12 MHz), so
both are plain fixed-divisor cores; the M-Bus side has its own transmitter
with settable format and faults (`line.py`).
"""

from amaranth import Cat, Module, Signal
from amaranth.lib import cdc, stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["HostReceiver", "HostTransmitter"]


def _check_divisor(divisor):
    # Mid-bit sampling needs at least a few cycles per bit to find the middle.
    if not isinstance(divisor, int) or divisor < 4:
        raise ValueError(f"divisor must be an integer of at least 4, not {divisor!r}")
    return divisor


class HostReceiver(wiring.Component):
    """UART receiver, 8N1: one byte out per frame with a good stop bit.

    A UART cannot be paused, so the byte stream has no back-pressure: the
    consumer must take each byte in the cycle it is offered.
    """

    rx: In(1, init=1)
    bytes: Out(stream.Signature(8, always_ready=True))

    def __init__(self, divisor):
        self._divisor = _check_divisor(divisor)
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        rx = Signal(init=1)
        # The pin is asynchronous to our clock: two flops against metastability.
        m.submodules.rx_sync = cdc.FFSynchronizer(self.rx, rx, init=1)

        count = Signal(range(self._divisor))
        bit = Signal(range(8))
        shreg = Signal(8)
        with m.If(count != 0):
            m.d.sync += count.eq(count - 1)

        with m.FSM():
            with m.State("IDLE"), m.If(~rx):
                m.d.sync += count.eq(self._divisor // 2 - 1)
                m.next = "START"
            with m.State("START"), m.If(count == 0):
                # A start bit that is gone by mid-bit was a glitch.
                m.d.sync += [count.eq(self._divisor - 1), bit.eq(0)]
                m.next = "DATA"
                with m.If(rx):
                    m.next = "IDLE"
            with m.State("DATA"), m.If(count == 0):
                m.d.sync += [shreg.eq(Cat(shreg[1:], rx)), count.eq(self._divisor - 1), bit.eq(bit + 1)]
                with m.If(bit == 7):
                    m.next = "STOP"
            with m.State("STOP"), m.If(count == 0):
                m.d.comb += self.bytes.valid.eq(rx)
                m.next = "IDLE"
                # A low stop bit is a framing error (or a break): drop it and
                # wait for the line to go idle before looking for a start bit.
                with m.If(~rx):
                    m.next = "RESYNC"
            with m.State("RESYNC"), m.If(rx):
                m.next = "IDLE"
        m.d.comb += self.bytes.payload.eq(shreg)
        return m


class HostTransmitter(wiring.Component):
    """UART transmitter, 8N1: sends each byte of its input stream."""

    bytes: In(stream.Signature(8))
    tx: Out(1, init=1)

    def __init__(self, divisor):
        self._divisor = _check_divisor(divisor)
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        count = Signal(range(self._divisor))
        shreg = Signal(10, init=1)
        bits_left = Signal(range(11))
        # Registered: a pin driven through logic can glitch, and a glitch is a start bit.
        m.d.sync += self.tx.eq(shreg[0])
        with m.If(bits_left == 0):
            m.d.comb += self.bytes.ready.eq(1)
            with m.If(self.bytes.valid):
                m.d.sync += [shreg.eq(Cat(0, self.bytes.payload, 1)), bits_left.eq(10), count.eq(self._divisor - 1)]
        with m.Elif(count == 0):
            m.d.sync += [shreg.eq(Cat(shreg[1:], 1)), bits_left.eq(bits_left - 1), count.eq(self._divisor - 1)]
        with m.Else():
            m.d.sync += count.eq(count - 1)
        return m
