"""The host-protocol client against the simulated board, and the simulated M-Bus line into a pty."""

import os
import select
from types import SimpleNamespace
from typing import cast

import pytest
from frames import profile_frame

from hardware.bridge import MbusSimLine
from hardware.client import MbusEmulator, SerialPort
from hardware.gateware.emulator import LineEmulator
from hardware.monitor import decode_uart
from hardware.protocol import LineError, Parity, divisor_for, unpack_status
from hardware.receiver import Sag, Tss721Model
from hardware.sim import EmulatorSim

EIGHT_E_ONE = SimpleNamespace(baud=2400, parity="E", stopbits=1)


def simulated_client(depth=16):
    """A client on a simulated board whose clock makes 2400 baud 16 cycles a bit."""
    sim = EmulatorSim(LineEmulator(host_divisor=4, line_divisor=16, fifo_depth=depth), 4)
    clock_hz = 16 * 2400
    return sim, MbusEmulator(sim, clock_hz=clock_hz, sleep=lambda s: sim.run(int(s * clock_hz) + 1))


def test_client_honours_credits_through_a_small_fifo_and_flips_one_parity_bit():
    sim, client = simulated_client()
    client.configure(2400, "E")
    data = bytes(range(80))
    client.write(data[:40])
    client.write_bad_parity(0x41)
    client.write(data[40:])
    client.drain()
    chars = decode_uart(sim.trace, 16, Parity.EVEN)
    assert bytes(c.byte for c in chars) == data[:40] + b"A" + data[40:]
    assert [i for i, c in enumerate(chars) if not c.clean] == [40]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c: c.configure(2400, "X"), "parity must be one of N, E, O, not 'X'"),
        (lambda c: c.stretch_next(12, 1), "slot must be an integer from 0 to 11, not 12"),
        (lambda c: c.glitch(0), "glitch cycles must be an integer from 1 to 16777215, not 0"),
    ],
)
def test_client_refuses_bad_arguments_by_name(call, message):
    client = MbusEmulator(port=cast(SerialPort, None))  # refused before anything is sent, so it needs no port
    with pytest.raises(LineError) as error:
        call(client)
    assert str(error.value) == message


def test_bad_parity_needs_a_parity_bit():
    _, client = simulated_client()
    client.configure(2400, "N")
    with pytest.raises(LineError, match="the line has no parity bit to get wrong"):
        client.write_bad_parity(0x41)


def test_unreachable_baud_and_garbage_replies_are_named():
    with pytest.raises(LineError, match="baud must be reachable from a 12000000 Hz clock within 1 %, not 7"):
        divisor_for(12_000_000, 7)
    with pytest.raises(LineError, match="expected a 4-byte status reply starting 0A, not 0a10"):
        unpack_status(b"\x0a\x10")


def read_all(path: str, size: int) -> bytes:
    """Up to `size` bytes from a pty; the kernel passes written bytes on asynchronously, so wait a little."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    out = b""
    try:
        while len(out) < size and select.select([fd], [], [], 0.5)[0]:
            out += os.read(fd, size - len(out))
        return out
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    "name, serial",
    [("kaifa-ma304h3e", EIGHT_E_ONE), ("kamstrup-6861111", SimpleNamespace(baud=2400, parity="N", stopbits=1))],
)
def test_a_frame_reaches_the_pty_through_gateware_and_receiver(name, serial):
    frame = profile_frame(name)
    with MbusSimLine(serial, realtime=False) as line:
        line.write(frame)
        assert read_all(line.reader_path, len(frame) + 1) == frame
        assert line.line_errors == 0


def test_a_sudden_sag_deeper_than_the_threshold_corrupts_bits():
    frame = profile_frame("kaifa-ma304h3e")
    sag = Sag(start_s=0.2, duration_s=0.05, depth_v=9.0)
    with MbusSimLine(EIGHT_E_ONE, receiver=Tss721Model(sags=(sag,)), realtime=False) as line:
        line.write(frame)
        assert bytes(line.received) != frame and line.line_errors > 0


def test_a_slow_sag_is_followed_by_the_receiver():
    frame = profile_frame("kaifa-ma304h3e")
    sag = Sag(start_s=0.2, duration_s=0.3, depth_v=9.0, ramp_s=0.1)
    with MbusSimLine(EIGHT_E_ONE, receiver=Tss721Model(sags=(sag,)), realtime=False) as line:
        line.write(frame)
        assert bytes(line.received) == frame and line.line_errors == 0


def test_parity_and_break_faults_reach_the_reader_as_errors():
    with MbusSimLine(EIGHT_E_ONE, realtime=False) as line:
        line.write(b"\x7e")
        line.write_bad_parity(0x41)
        line.send_break(0.01)
        line.write(b"\x7e")
        assert bytes(line.received) == b"\x7e\x41\x00\x7e"
        assert line.line_errors == 2  # the parity error and the break's framing error
