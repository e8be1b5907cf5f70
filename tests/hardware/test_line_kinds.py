"""The M-Bus line kinds as the simulator opens them: mbus-sim into a given port, mbus against the simulated board."""

import os
import select
import tty

import pytest
from frames import profile_frame

from hardware.bridge import MbusSimLine
from hardware.gateware.emulator import LineEmulator
from hardware.kinds import open_mbus_sim
from hardware.mbus_line import MbusLine
from hardware.monitor import decode_uart
from hardware.protocol import Parity
from hardware.sim import EmulatorSim
from meter_profiles import get_profile
from simulator.lines import LineError, open_line

SERIAL = get_profile("kaifa-ma304h3e").serial  # 2400 8E1
CYCLES_PER_BIT = 16


def read_exactly(fd: int, size: int) -> bytes:
    """`size` bytes from a pty, waiting a little for each (the kernel hands them on asynchronously)."""
    out = b""
    while len(out) < size and select.select([fd], [], [], 0.5)[0]:
        out += os.read(fd, size - len(out))
    return out


def test_the_simulator_opens_both_mbus_kinds_through_their_entry_points():
    line = open_line(None, SERIAL, pty=True, kind="mbus-sim")
    assert isinstance(line, MbusSimLine) and line.port is None
    assert isinstance(open_line("/dev/ttyUSB1", SERIAL, kind="mbus"), MbusLine)


def test_a_board_needs_its_port_not_a_pty():
    with pytest.raises(LineError) as error:
        open_line(None, SERIAL, pty=True, kind="mbus")
    assert str(error.value) == (
        "--line mbus drives an emulator board: give --port with its host link (/dev/ttyUSB1), not --pty"
    )


def test_mbus_sim_writes_into_a_given_pty_so_the_bench_pair_works_unchanged():
    ours, theirs = os.openpty()
    tty.setraw(ours)
    frame = profile_frame("kaifa-ma304h3e")
    try:
        line = open_line(os.ttyname(theirs), SERIAL, kind="mbus-sim")
        assert isinstance(line, MbusSimLine)
        line.realtime = False
        with line:
            assert line.reader_path == os.ttyname(theirs)
            line.write(frame)
            line.write_bad_parity(0x41)
        assert read_exactly(ours, len(frame) + 2) == frame + b"A"
        assert line.line_errors == 1
    finally:
        os.close(ours)
        os.close(theirs)


def test_mbus_sim_names_a_port_it_cannot_open():
    with pytest.raises(LineError, match="serial port /dev/ttyNOPE not found"):
        open_line("/dev/ttyNOPE", SERIAL, kind="mbus-sim").open()


def simulated_board() -> EmulatorSim:
    """The gateware as a board on a host link, its line at 16 cycles a bit and a small FIFO, so credits run out."""
    return EmulatorSim(LineEmulator(host_divisor=4, line_divisor=CYCLES_PER_BIT, fifo_depth=16), 4)


def test_mbus_line_drives_the_simulated_board_with_faults():
    board = simulated_board()
    frame = profile_frame("kaifa-ma304h3e")
    with MbusLine("sim", SERIAL, clock_hz=CYCLES_PER_BIT * SERIAL.baud, open_port=lambda: board) as line:
        assert line.paces_itself and line.carries_line_errors
        line.write(frame[:-1])
        line.write_bad_parity(0x41)
        line.send_break(2 * SERIAL.byte_time)  # longer than a character, so its stop bit is space
        line.write(frame[-1:])
        line.drain()
    chars = decode_uart(board.trace, CYCLES_PER_BIT, Parity.EVEN)
    assert bytes(c.byte for c in chars) == frame[:-1] + b"A\x00" + frame[-1:]
    assert [i for i, c in enumerate(chars) if not c.clean] == [len(frame) - 1, len(frame)]
    assert board.idle


def test_mbus_line_refuses_a_port_that_is_no_board():
    # pyserial's loop:// echoes the STATUS byte back: one byte where a board sends four.
    with pytest.raises(LineError) as error:
        MbusLine("loop://", SERIAL).open()
    assert str(error.value) == (
        "loop:// did not answer like an M-Bus emulator: expected a 4-byte status reply starting 0A, not 0a"
    )


def test_mbus_line_says_when_it_is_used_unopened():
    with pytest.raises(LineError, match="the M-Bus emulator on /dev/ttyUSB1 is not open"):
        MbusLine("/dev/ttyUSB1", SERIAL).write(b"\x7e")


def test_mbus_sim_without_amaranth_is_one_line_that_names_the_fix(monkeypatch):
    """A bench installed without the sim extra gets the pip command, not a traceback."""
    import sys

    for name in [
        name for name in sys.modules if name.startswith(("hardware.bridge", "hardware.gateware", "hardware.sim"))
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "amaranth", None)
    with pytest.raises(LineError, match=r"--line mbus-sim .* amaranth is not installed: pip install 'hanbench\[sim\]'"):
        open_mbus_sim(None, get_profile("kaifa-ma304h3e").serial, drop_when_full=True)


def test_a_baud_drift_changes_the_boards_divisor_around_the_frame_only():
    """At 100 cycles a bit, +2 % is 98 cycles: the frame's bits are that long, the bytes after it nominal again."""
    board = EmulatorSim(LineEmulator(host_divisor=4, line_divisor=100, fifo_depth=64), 4)
    frame = profile_frame("kaifa-ma304h3e")[:20]
    with MbusLine("sim", SERIAL, clock_hz=100 * SERIAL.baud, open_port=lambda: board) as line:
        line.write_at_baud(frame, round(SERIAL.baud * 1.02))
        line.write(b"\x55")
        line.drain()
    drifted = decode_uart(board.trace, 98, Parity.EVEN)
    assert bytes(c.byte for c in drifted[: len(frame)]) == frame and all(c.clean for c in drifted[: len(frame)])
    nominal = decode_uart(board.trace, 100, Parity.EVEN)
    assert nominal[-1].byte == 0x55 and nominal[-1].clean
