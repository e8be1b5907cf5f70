"""The emulated board's broker link: a pty whose other end this bridge joins to TCP.

Semihosting lets the lx106 image open a path but not a socket, so the image's
LinkStream (firmware/lx106/link_stream.h) speaks over a pty and says in-band when it
connects and closes: an escape byte and a code, with a data byte equal to the escape
byte sent as escape + LITERAL. The codes here and there must match; the qemu DUT
tests exercise both sides together. The bridge connects wherever the image asks, as
the board's WiFi would.
"""

import os
import pty
import select
import socket
import threading
import tty

__all__ = ["LinkBridge"]

ESCAPE = 0xDB
LITERAL = 0xDD
OPEN, CLOSE = 0x01, 0x02  # board -> bridge
UP, FAILED, CLOSED = 0x11, 0x12, 0x13  # bridge -> board
CONNECT_TIMEOUT = 3.0  # the host build's TCP connect timeout
_POLL_S = 0.05


def escape(data: bytes) -> bytes:
    """Data as it travels on the link: every escape byte doubled into escape + LITERAL."""
    return data.replace(bytes([ESCAPE]), bytes([ESCAPE, LITERAL]))


class LinkBridge:
    """A pty for the image and a thread that carries its bytes to and from one TCP connection at a time."""

    def __init__(self):
        self._master, slave = pty.openpty()
        tty.setraw(slave)  # the image cannot set termios: raw here, for both ends
        self.path = os.ttyname(slave)
        self._slave = slave  # held open so the pty lives while the image reopens it
        self._socket: socket.socket | None = None
        self._escape_pending = False
        self._request: bytearray | None = None  # the "host:port" of an OPEN being read
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="qemu-link", daemon=True)

    def start(self) -> "LinkBridge":
        """Start carrying bytes."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the thread, drop the connection and the pty."""
        self._stop.set()
        self._thread.join(timeout=2)
        self._drop()
        for fd in (self._master, self._slave):
            os.close(fd)

    def _serve(self) -> None:
        while not self._stop.is_set():
            sources = [self._master] + ([self._socket] if self._socket else [])
            ready, _, _ = select.select(sources, [], [], _POLL_S)
            if self._master in ready:
                self._from_board(os.read(self._master, 4096))
            if self._socket is not None and self._socket in ready:
                self._from_broker()

    def _from_board(self, raw: bytes) -> None:
        data = bytearray()
        for byte in raw:
            if self._request is not None:
                if byte == ord("\n"):
                    self._flush(data)
                    self._connect(self._request.decode(errors="replace"))
                    self._request = None
                else:
                    self._request.append(byte)
            elif self._escape_pending:
                self._escape_pending = False
                if byte == LITERAL:
                    data.append(ESCAPE)
                elif byte == OPEN:
                    self._flush(data)
                    self._request = bytearray()
                elif byte == CLOSE:
                    self._flush(data)
                    self._drop()
            elif byte == ESCAPE:
                self._escape_pending = True
            else:
                data.append(byte)
        self._flush(data)

    def _flush(self, data: bytearray) -> None:
        if data and self._socket is not None:
            try:
                self._socket.sendall(data)
            except OSError:
                self._lost()
        data.clear()

    def _connect(self, request: str) -> None:
        self._drop()
        host, _, port = request.rpartition(":")
        try:
            self._socket = socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._signal(UP)
        except (OSError, ValueError):
            self._socket = None
            self._signal(FAILED)

    def _from_broker(self) -> None:
        try:
            data = self._socket.recv(4096) if self._socket is not None else b""
        except OSError:
            data = b""
        if data:
            os.write(self._master, escape(data))
        else:
            self._lost()

    def _lost(self) -> None:
        self._drop()
        self._signal(CLOSED)

    def _drop(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _signal(self, code: int) -> None:
        os.write(self._master, bytes([ESCAPE, code]))
