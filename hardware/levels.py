"""The line level the gateware drives, as the analog M-Bus driver reads it (no Amaranth here)."""

import enum

__all__ = ["Level"]


class Level(enum.IntEnum):
    """The 2-bit line level for the analog driver: bit 0 powers the bus, bit 1 raises it to mark."""

    OFF = 0b00  # bus unpowered: the meter lost power or the cable is out
    SPACE = 0b01  # logical 0: the bus at least 10 V below mark
    MARK = 0b11  # logical 1 and idle: the full bus voltage
