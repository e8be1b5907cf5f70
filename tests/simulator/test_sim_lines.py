"""Lines: byte pacing on a pty, socket:// URLs, and one-line errors for missing, busy, forbidden and unplugged ports."""

import errno
import grp
import json
import os
import socket
import threading
import time
from datetime import UTC, datetime

import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st

from meter_profiles import get_profile
from simulator.codec import HdlcDeframer
from simulator.lines import LineError, PtyLine, SerialLine, open_error, open_line, write_paced
from simulator.run import SentLog, run_meter
from simulator.run.sentlog import wall_time

from .support import PtyTap, private_pty

KAIFA = get_profile("kaifa-ma304h3e")


def test_a_pty_is_paced_at_the_line_rate():
    frame = bytes(range(1, 101))  # 100 bytes: 0.458 s at 2400 8E1
    with private_pty(KAIFA.serial) as line:
        tap = PtyTap(line.reader_path)
        began = time.monotonic()
        write_paced(line, frame, KAIFA.serial.byte_time)
        took = time.monotonic() - began
        data = tap.close(expect_bytes=len(frame))
    assert data == frame
    # Timed by the writer, which never sends a byte early and catches up after a late wake-up: the last byte
    # goes no sooner than 99 byte times after the first, and a busy machine adds one late wake-up at most.
    # The reader's thread can wake late on any chunk, so its own arrival times judge only the trickle.
    expected = 99 * KAIFA.serial.byte_time
    assert expected <= took < expected * 1.5
    assert len(tap.chunks) > 20  # bytes trickle in, they do not arrive as one block


def test_a_pty_says_where_the_reader_goes_and_carries_no_line_errors():
    with PtyLine(KAIFA.serial) as line:
        assert line.reader_path.startswith("/dev/pts/")
        assert not line.paces_itself and not line.carries_line_errors
        with pytest.raises(LineError, match="cannot carry a parity error"):
            line.write_bad_parity(0x55)


def test_a_pty_given_as_a_port_is_paced_by_the_sender_and_carries_no_line_errors():
    """A bench's virtual pair reached by path has no UART behind it: the sender paces, parity cannot exist."""
    master, slave = os.openpty()
    try:
        line = SerialLine(os.ttyname(slave), get_profile("kaifa-ma304h3e").serial)
        assert not line.paces_itself and not line.carries_line_errors
        with pytest.raises(LineError, match="cannot carry a parity error"):
            line.write_bad_parity(0x55)
    finally:
        os.close(master)
        os.close(slave)


def test_a_missing_port_is_one_line_that_says_what_to_check():
    with pytest.raises(LineError, match=r"^serial port /dev/ttyNOPE0 not found: plug in the adapter"):
        SerialLine("/dev/ttyNOPE0", KAIFA.serial).open()


def test_a_busy_port_says_another_program_has_it():
    with private_pty(KAIFA.serial) as pty, SerialLine(pty.reader_path, KAIFA.serial):
        with pytest.raises(LineError, match=f"serial port {pty.reader_path} is busy: another program has it open"):
            SerialLine(pty.reader_path, KAIFA.serial).open()


def test_no_permission_names_the_group_to_join(tmp_path):
    device = tmp_path / "ttyUSB9"
    device.touch()
    group = grp.getgrgid(os.stat(device).st_gid).gr_name
    error = open_error(
        str(device), serial.SerialException(errno.EACCES, "could not open port: [Errno 13] Permission denied")
    )
    assert str(error) == (
        f"no permission to open {device}: join the group '{group}' (sudo usermod -aG {group} $USER, then log in again)"
    )


def test_a_refused_socket_url_says_so():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(LineError, match=f"cannot connect to socket://127.0.0.1:{port}: connection refused"):
            SerialLine(f"socket://127.0.0.1:{port}", KAIFA.serial).open()


def test_give_exactly_one_of_port_or_pty():
    with pytest.raises(LineError, match="exactly one of --port PORT or --pty"):
        open_line(None, KAIFA.serial)


def test_frames_reach_a_socket_url():
    received = bytearray()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def serve():
            connection, _ = server.accept()
            with connection:
                while chunk := connection.recv(65536):
                    received.extend(chunk)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        sent = SentLog()
        line = SerialLine(f"socket://127.0.0.1:{server.getsockname()[1]}", KAIFA.serial)
        assert not line.paces_itself and not line.carries_line_errors
        with line:
            run_meter(KAIFA, line, scenario="fixed", duration_s=60, warp=None, sent_log=sent)
        thread.join(5)
    frames = [f.hex().upper() for f in HdlcDeframer().feed(bytes(received))]
    assert frames == [e["frame"] for e in sent.entries] and len(frames) == 30


def test_an_adapter_unplugged_mid_run_leaves_a_complete_sent_log(tmp_path):
    path = tmp_path / "sent.jsonl"
    pty = PtyLine(KAIFA.serial)
    pty.open()

    def unplug_after_five(entry, stats):
        if stats.entries == 5:
            pty.close()  # the far end vanishes, as a USB adapter pulled out does

    with SerialLine(pty._path, KAIFA.serial) as line, SentLog(path) as sent:
        with pytest.raises(LineError, match=rf"^{pty._path} went away mid-run \(adapter unplugged\?\)"):
            run_meter(
                KAIFA, line, scenario="fixed", duration_s=600, warp=None, sent_log=sent, on_entry=unplug_after_five
            )
    entries = [json.loads(text) for text in path.read_text().splitlines()]
    # Every frame that went out before the unplug (at warp max, the rest of its shared write too), none after.
    assert [e["seq"] for e in entries] == list(range(len(entries))) and 5 <= len(entries) < 300


def test_the_sent_log_is_flushed_line_by_line_in_the_contract_shape(tmp_path):
    path = tmp_path / "sent.jsonl"
    seen = []

    def read_back(entry, stats):
        seen.append(len(path.read_text().splitlines()))

    with PtyLine(KAIFA.serial) as line, SentLog(path) as sent:
        run_meter(
            KAIFA,
            line,
            scenario="fixed",
            start="2017-09-14T19:59:50",
            duration_s=30,
            warp=None,
            sent_log=sent,
            on_entry=read_back,
        )
    assert seen == list(range(1, len(seen) + 1))
    entries = [json.loads(text) for text in path.read_text().splitlines()]
    keys = [
        "seq",
        "meter",
        "list",
        "meter_time",
        "start_mono",
        "end_mono",
        "start_wall",
        "end_wall",
        "frame",
        "readings",
        "faults",
        "expect_publish",
    ]
    assert all(list(e) == keys for e in entries)
    list3 = next(e for e in entries if e["list"] == 3)
    assert list3["meter"] == "kaifa-ma304h3e" and list3["meter_time"] == "2017-09-14T20:00:10"
    assert list3["readings"]["meter_time"] == "2017-09-14T20:00:10" and "meter" not in list3["readings"]
    assert list3["faults"] == [] and list3["expect_publish"] is True
    assert all(e["start_mono"] <= e["end_mono"] <= time.monotonic() for e in entries)
    assert all(e["start_wall"].endswith("+00:00") and len(e["start_wall"]) == 32 for e in entries)


@given(st.floats(0, 1e6), st.floats(1.5e9, 2e9))
def test_sent_log_wall_times_are_what_datetime_writes_to_the_microsecond(mono, offset):
    expected = datetime.fromtimestamp(mono + offset, UTC).isoformat(timespec="microseconds")
    assert wall_time(mono, offset) == expected
