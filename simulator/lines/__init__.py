"""Lines a meter's bytes travel, by kind: a pty or any pyserial port (`serial`), an emulator board (`mbus`).

Layers above the simulator add kinds of their own with `register_line_kind`
(the hardware package adds `mbus-sim`, the gateware in simulation), so the
simulator's `--line` names every kind without importing what implements it.
"""

from collections.abc import Callable

from meter_profiles import SerialSettings

from .base import Line, LineError, write_paced
from .mbus import MbusLine
from .pty import PtyLine
from .serial_port import SerialLine, open_error

__all__ = [
    "Line",
    "LineError",
    "LineFactory",
    "MbusLine",
    "PtyLine",
    "SerialLine",
    "line_kinds",
    "open_error",
    "open_line",
    "register_line_kind",
    "write_paced",
]

# port (None for --pty), the meter's serial settings, whether a full pty drops bytes -> an unopened Line.
LineFactory = Callable[[str | None, SerialSettings, bool], Line]

_KINDS: dict[str, LineFactory] = {}


def register_line_kind(name: str, factory: LineFactory) -> None:
    """Make `--line NAME` open lines made by `factory` (a later registration of a name replaces it)."""
    _KINDS[name] = factory


def line_kinds() -> list[str]:
    """The kinds `open_line` knows, sorted."""
    return sorted(_KINDS)


def open_line(
    port: str | None, serial: SerialSettings, *, pty: bool = False, kind: str = "serial", drop_when_full: bool = True
) -> Line:
    """The line of kind `kind` for `--port P` or `--pty` (not yet opened)."""
    if kind not in _KINDS:
        raise LineError(f"unknown line kind {kind!r}; known: {', '.join(line_kinds())}")
    if pty == (port is not None):
        raise LineError("give exactly one of --port PORT or --pty")
    return _KINDS[kind](None if pty else port, serial, drop_when_full)


def _serial_line(port: str | None, serial: SerialSettings, drop_when_full: bool) -> Line:
    return PtyLine(serial, drop_when_full) if port is None else SerialLine(port, serial)


def _mbus_line(port: str | None, serial: SerialSettings, drop_when_full: bool) -> Line:
    if port is None:
        raise LineError(
            "--line mbus drives an emulator board: give --port with its host link (/dev/ttyUSB1), not --pty"
        )
    return MbusLine(port, serial)


register_line_kind("serial", _serial_line)
register_line_kind("mbus", _mbus_line)
