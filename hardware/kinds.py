"""The line kinds the emulator offers the simulator: `--line mbus` (a board) and `--line mbus-sim` (its gateware).

Both are entry points of the group `hanbench.lines` (pyproject.toml), so the
simulator finds them without importing the hardware layer. Amaranth is
imported only when an mbus-sim line is made: it takes a noticeable part of a
second, which every other command would pay for nothing.
"""

from meter_profiles import SerialSettings
from simulator.lines import Line, LineError

from .mbus_line import MbusLine

__all__ = ["open_mbus", "open_mbus_sim"]


def open_mbus(port: str | None, serial: SerialSettings, drop_when_full: bool) -> Line:
    """An MbusLine on the board's host link `port`; a board has no pty side to offer."""
    if port is None:
        raise LineError(
            "--line mbus drives an emulator board: give --port with its host link (/dev/ttyUSB1), not --pty"
        )
    return MbusLine(port, serial)


def open_mbus_sim(port: str | None, serial: SerialSettings, drop_when_full: bool) -> Line:
    """An MbusSimLine writing into `port`, or into a pty of its own when there is none (--pty).

    The simulated UART paces every byte, so there is never more in flight
    than a reader takes at 2400 baud: `drop_when_full` has nothing to drop.
    """
    try:
        from .bridge import MbusSimLine
    except ModuleNotFoundError as error:
        raise LineError(
            f"--line mbus-sim runs the gateware in Amaranth's simulator, and {error.name} is not installed: "
            "pip install 'hanbench[sim]'"
        ) from None
    return MbusSimLine(serial, port=port)
