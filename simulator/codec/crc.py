"""CRC-16/X.25, the check sequence of HDLC's HCS and FCS.

binascii.crc_hqx computes the same polynomial unreflected and runs in C; X.25
is its bit-reflected form, so reflecting the input bytes and the result gives
X.25 at C speed (a 300-byte frame in about a microsecond instead of about 60
in a Python loop).
"""

import binascii

__all__ = ["check_sequence_ok", "crc16_x25"]

_REFLECT8 = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
# What the register holds after data and its right check sequence (low byte first): X.25's residue
# F0B8, bit-reversed for crc_hqx's unreflected register.
_GOOD_RESIDUE = 0x1D0F


def crc16_x25(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/X.25: poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF ("123456789" gives 0x906E)."""
    crc = binascii.crc_hqx(bytes(data).translate(_REFLECT8), 0xFFFF)
    return ((_REFLECT8[crc & 0xFF] << 8) | _REFLECT8[crc >> 8]) ^ 0xFFFF


def check_sequence_ok(data: bytes | bytearray | memoryview) -> bool:
    """Whether data ends in its right CRC-16/X.25, low byte first: one pass over all of it, as a receiver checks."""
    return binascii.crc_hqx(bytes(data).translate(_REFLECT8), 0xFFFF) == _GOOD_RESIDUE
