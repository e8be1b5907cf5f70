"""`--line mbus-sim`: the simulator's line kind for the gateware in simulation.

Registered when `hardware` is imported (the bench's command does), so the
simulator offers the kind without importing the hardware layer. Amaranth is
imported only when such a line is made: it takes a noticeable part of a
second, which every other command would pay for nothing.
"""

from meter_profiles import SerialSettings
from simulator.lines import Line, LineError, register_line_kind

__all__ = ["open_mbus_sim"]


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


register_line_kind("mbus-sim", open_mbus_sim)
