"""The layer between HDLC and the list: the LLC header and the DLMS data-notification's header.

A plaintext data-notification is 0F, a 4-byte invoke id, a date-time (09 0C +
12 bytes, bare 0C + 12 bytes, or 00 for none), then the list body. Ciphered
APDUs would be unwrapped here, before the body is read.
"""

from typing import NamedTuple

from .cosem import decode_datetime
from .errors import FrameError

__all__ = ["DATA_NOTIFICATION", "DATETIME_PREFIX", "LLC_HEADER", "Notification", "read_notification"]

LLC_HEADER = b"\xe6\xe7\x00"
DATA_NOTIFICATION = 0x0F
# The header date-time's form -> the bytes before its 12 bytes (null: the one byte 00, no time).
DATETIME_PREFIX = {"octet-string": b"\x09\x0c", "bare": b"\x0c", "null": b"\x00"}


class Notification(NamedTuple):
    """A data-notification's header: invoke id, date-time form and time, and where the body starts."""

    invoke_id: bytes
    datetime_form: str
    header_time: str | None
    body_start: int


def read_notification(info: bytes) -> Notification:
    """The data-notification header in an HDLC information field."""
    if info[:3] != LLC_HEADER:
        raise FrameError(f"LLC header must be E6 E7 00, not {info[:3].hex(' ').upper()}")
    if len(info) < 9 or info[3] != DATA_NOTIFICATION:
        raise FrameError("not a DLMS data-notification (APDU tag 0F)")
    invoke_id = info[4:8]
    marker = info[8]
    if marker == 0x09 and info[9:10] == b"\x0c":
        return Notification(invoke_id, "octet-string", decode_datetime(info[10:22]), 22)
    if marker == 0x0C:
        return Notification(invoke_id, "bare", decode_datetime(info[9:21]), 21)
    if marker == 0x00:
        return Notification(invoke_id, "null", None, 9)
    raise FrameError(f"date-time in the APDU header must be 09 0C, 0C or 00, not {info[8:10].hex(' ').upper()}")
