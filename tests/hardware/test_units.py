"""Amaranth-simulator tests of the small blocks: host UART, command parser, argument checks."""

import gc
import warnings

import pytest
from amaranth.hdl import UnusedElaboratable
from amaranth.sim import Simulator

from hardware.gateware.commands import CommandParser
from hardware.gateware.emulator import LineEmulator
from hardware.gateware.line import LineTransmitter
from hardware.gateware.uart import HostReceiver, HostTransmitter
from hardware.protocol import ARG_BYTES, Opcode, pack, pack_data, pack_stretch

DIVISOR = 4


def simulate(dut, testbench, *processes):
    """Run `testbench` (and watchers) against `dut` on a 1 MHz clock."""
    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(testbench)
    for process in processes:
        sim.add_testbench(process, background=True)
    sim.run()


async def send_uart(ctx, pin, byte, stop=1, divisor=DIVISOR):
    """Drive one 8N1 frame (or one with a low stop bit) onto `pin`."""
    for bit in [0, *((byte >> i) & 1 for i in range(8)), stop]:
        ctx.set(pin, bit)
        await ctx.tick().repeat(divisor)
    ctx.set(pin, 1)


def test_receiver_takes_good_frames_and_drops_glitches_and_framing_errors():
    dut = HostReceiver(DIVISOR)
    received = []

    async def bench(ctx):
        await ctx.tick().repeat(4)
        await send_uart(ctx, dut.rx, 0xA5)
        ctx.set(dut.rx, 0)  # a glitch shorter than half a bit is no start bit
        await ctx.tick()
        ctx.set(dut.rx, 1)
        await ctx.tick().repeat(3 * DIVISOR)
        await send_uart(ctx, dut.rx, 0x3C, stop=0)  # framing error: dropped
        await ctx.tick().repeat(3 * DIVISOR)
        await send_uart(ctx, dut.rx, 0x00)
        await ctx.tick().repeat(3 * DIVISOR)

    async def collect(ctx):
        async for _, _, valid, payload in ctx.tick().sample(dut.bytes.valid, dut.bytes.payload):
            if valid:
                received.append(payload)

    simulate(dut, bench, collect)
    assert received == [0xA5, 0x00]


def test_transmitter_holds_each_bit_for_the_divisor():
    dut = HostTransmitter(DIVISOR)
    levels = []

    async def bench(ctx):
        ctx.set(dut.bytes.payload, 0x5A)
        ctx.set(dut.bytes.valid, 1)
        await ctx.tick().until(dut.bytes.ready == 0)
        ctx.set(dut.bytes.valid, 0)
        for _ in range(12 * DIVISOR):
            levels.append(ctx.get(dut.tx))
            await ctx.tick()

    simulate(dut, bench)
    start = levels.index(0)
    bits = levels[start : start + 10 * DIVISOR : DIVISOR]
    assert bits == [0, 0, 1, 0, 1, 1, 0, 1, 0, 1]  # start, 0x5A LSB first, stop
    assert all(level == 1 for level in levels[start + 10 * DIVISOR - DIVISOR :])


def parse(data: bytes, depth=16):
    """The entries (op, arg) a parser queues for `data`, with the FIFO always ready."""
    dut = CommandParser(depth)
    entries = []

    async def bench(ctx):
        ctx.set(dut.entries.ready, 1)
        for byte in data:
            ctx.set(dut.host_bytes.payload, byte)
            ctx.set(dut.host_bytes.valid, 1)
            _, _, valid, payload = await ctx.tick().sample(dut.entries.valid, dut.entries.payload)
            if valid:
                entries.append((Opcode(payload.op), payload.arg))
            ctx.set(dut.host_bytes.valid, 0)
            await ctx.tick()

    simulate(dut, bench)
    return entries


@pytest.mark.parametrize("opcode", [op for op, n in ARG_BYTES.items() if n and op != Opcode.DATA])
def test_parser_queues_each_command_with_its_argument(opcode):
    value = 0x123456 & ((1 << (8 * ARG_BYTES[opcode])) - 1)
    assert parse(pack(opcode, value)) == [(opcode, value)]


def test_parser_queues_data_bytes_and_reads_count_zero_as_256():
    data = bytes(range(256)) + b"\x7e"
    assert parse(pack_data(data), depth=300) == [(Opcode.DATA, b) for b in data]


def test_parser_keeps_stretch_cycles_signed():
    [(op, arg)] = parse(pack_stretch(3, -5))
    assert (op, arg & 0xFF, arg >> 8) == (Opcode.STRETCH, 3, 0x10000 - 5)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: LineTransmitter(divisor=1), "divisor must be an integer from 2 to 65535, not 1"),
        (lambda: LineTransmitter(stop_bits=3), "stop_bits must be 1 or 2, not 3"),
        (lambda: HostReceiver(2), "divisor must be an integer of at least 4, not 2"),
        (lambda: LineEmulator(fifo_depth=2), "fifo_depth must be an integer of at least 4, not 2"),
    ],
)
def test_bad_parameters_name_what_was_expected(make, message):
    with warnings.catch_warnings():
        # The refused component was still allocated; Amaranth warns when it is collected unused.
        warnings.simplefilter("ignore", UnusedElaboratable)
        with pytest.raises(ValueError) as error:
            make()
        text = str(error.value)
        del error
        gc.collect()
    assert text == message
