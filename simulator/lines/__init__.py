"""Lines a meter's bytes travel: a pty pair, any pyserial port or URL (the M-Bus emulator plugs in here too)."""

from .base import Line, LineError, write_paced
from .pty import PtyLine
from .serial_port import SerialLine, open_error

__all__ = ["Line", "LineError", "write_paced", "PtyLine", "SerialLine", "open_error", "open_line"]


def open_line(port: str | None, serial, *, pty: bool = False, drop_when_full: bool = True) -> Line:
    """The line for `--port P` or `--pty` (not yet opened)."""
    if pty == (port is not None):
        raise LineError("give exactly one of --port PORT or --pty")
    return PtyLine(serial, drop_when_full) if pty else SerialLine(port, serial)
