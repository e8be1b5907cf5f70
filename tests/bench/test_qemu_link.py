"""The qemu DUT's broker link: the bridge's in-band protocol, driven from the board's end of its pty."""

import os
import select
import socket

import pytest

from bench.dut.qemu_link import CLOSE, CLOSED, ESCAPE, FAILED, LITERAL, OPEN, UP, LinkBridge, escape


def read_exactly(fd: int, count: int, timeout: float = 5.0) -> bytes:
    data = b""
    while len(data) < count:
        ready, _, _ = select.select([fd], [], [], timeout)
        assert ready, f"waited {timeout} s for {count} bytes, got {data!r}"
        data += os.read(fd, count - len(data))
    return data


@pytest.fixture
def board():
    """The board's end of a running bridge's pty."""
    bridge = LinkBridge().start()
    fd = os.open(bridge.path, os.O_RDWR | os.O_NOCTTY)
    yield fd
    os.close(fd)
    bridge.close()


@pytest.fixture
def server():
    """A listening TCP socket on loopback, standing in for the broker."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        listening.settimeout(5)
        yield listening


def test_escape_doubles_only_the_escape_byte():
    assert escape(bytes([1, ESCAPE, 2])) == bytes([1, ESCAPE, LITERAL, 2])


def test_the_bridge_connects_carries_both_ways_and_reports_the_peer_closing(board, server):
    port = server.getsockname()[1]
    os.write(board, bytes([ESCAPE, OPEN]) + f"127.0.0.1:{port}\n".encode())
    assert read_exactly(board, 2) == bytes([ESCAPE, UP])
    peer, _ = server.accept()
    os.write(board, bytes([0x10, ESCAPE, LITERAL, 0x20]))
    assert peer.recv(16) == bytes([0x10, ESCAPE, 0x20])
    peer.sendall(bytes([0x30, ESCAPE]))
    assert read_exactly(board, 3) == bytes([0x30, ESCAPE, LITERAL])
    peer.close()
    assert read_exactly(board, 2) == bytes([ESCAPE, CLOSED])


def test_the_board_closing_drops_the_connection(board, server):
    os.write(board, bytes([ESCAPE, OPEN]) + f"127.0.0.1:{server.getsockname()[1]}\n".encode())
    assert read_exactly(board, 2) == bytes([ESCAPE, UP])
    peer, _ = server.accept()
    os.write(board, bytes([ESCAPE, CLOSE]))
    peer.settimeout(5)
    assert peer.recv(16) == b""


def test_a_refused_connection_is_reported_as_failed(board):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again before the bridge connects
    os.write(board, bytes([ESCAPE, OPEN]) + f"127.0.0.1:{port}\n".encode())
    assert read_exactly(board, 2) == bytes([ESCAPE, FAILED])
