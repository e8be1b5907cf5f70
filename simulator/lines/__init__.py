"""Lines a meter's bytes travel, by kind: a pty or any pyserial port (`serial`), and the kinds of other packages.

Kinds are entry points of the group `hanbench.lines` (pyproject.toml names
`serial` here and the emulator's `mbus` and `mbus-sim` in `hardware`), found
with importlib.metadata, so the simulator's `--line` names every installed
kind without importing what implements it. `register_line_kind` adds one in
a running process (a test's own line).
"""

from collections.abc import Callable
from importlib.metadata import entry_points

from meter_profiles import SerialSettings

from .base import Line, LineError, write_paced
from .pty import PtyLine
from .serial_port import SerialLine, open_error

__all__ = [
    "ENTRY_POINT_GROUP",
    "Line",
    "LineError",
    "LineFactory",
    "PtyLine",
    "SerialLine",
    "line_kinds",
    "open_error",
    "open_line",
    "open_serial",
    "register_line_kind",
    "write_paced",
]

ENTRY_POINT_GROUP = "hanbench.lines"

# port (None for --pty), the meter's serial settings, whether a full pty drops bytes -> an unopened Line.
LineFactory = Callable[[str | None, SerialSettings, bool], Line]

_REGISTERED: dict[str, LineFactory] = {}


def register_line_kind(name: str, factory: LineFactory) -> None:
    """Make `--line NAME` open lines made by `factory` in this process (replacing an installed kind of that name)."""
    _REGISTERED[name] = factory


def _installed() -> dict:
    """The entry points of the group, by kind name (not loaded: loading imports the kind's package)."""
    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


def line_kinds() -> list[str]:
    """The kinds `open_line` knows, sorted."""
    return sorted(_installed().keys() | _REGISTERED.keys())


def _factory(kind: str) -> LineFactory:
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    installed = _installed()
    if kind not in installed:
        if not installed:
            raise LineError(
                f"unknown line kind {kind!r}: no line kinds are installed; install hanbench (pip install -e .) "
                f"so its {ENTRY_POINT_GROUP} entry points exist"
            )
        raise LineError(f"unknown line kind {kind!r}; known: {', '.join(line_kinds())}")
    return installed[kind].load()


def open_line(
    port: str | None, serial: SerialSettings, *, pty: bool = False, kind: str = "serial", drop_when_full: bool = True
) -> Line:
    """The line of kind `kind` for `--port P` or `--pty` (not yet opened)."""
    factory = _factory(kind)
    if pty == (port is not None):
        raise LineError("give exactly one of --port PORT or --pty")
    return factory(None if pty else port, serial, drop_when_full)


def open_serial(port: str | None, serial: SerialSettings, drop_when_full: bool) -> Line:
    """`--line serial`: a pty of the simulator's own for --pty, else the serial device or pyserial URL `port`."""
    return PtyLine(serial, drop_when_full) if port is None else SerialLine(port, serial)
