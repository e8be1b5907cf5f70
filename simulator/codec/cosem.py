"""COSEM pieces that ride inside A-XDR: the 12-byte date-time, OBIS codes and units."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from .errors import FrameError

if TYPE_CHECKING:  # the profile schema is pydantic: decoding a frame never needs it loaded
    from meter_profiles.schema import ClockSettings

__all__ = ["UNIT_CODES", "decode_datetime", "encode_datetime", "obis_bytes", "obis_text"]

# DLMS unit enumeration (IEC 62056-62) for the units the profiles use.
UNIT_CODES = {"W": 27, "var": 29, "Wh": 30, "varh": 32, "A": 33, "V": 35}
# 00 to 59 as text: every field of a valid date-time but the year.
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(60))


def encode_datetime(meter_time: str, clock: ClockSettings) -> bytes:
    """The 12-byte COSEM date-time of a wall-clock time, filled in as the profile's meter does."""
    try:
        moment = datetime.fromisoformat(meter_time)
    except (TypeError, ValueError):
        raise FrameError(f"meter_time must be ISO 8601 such as 2017-09-14T19:31:10, not {meter_time!r}") from None
    weekday = moment.isoweekday() if clock.weekday == "iso" else 0
    return (
        moment.year.to_bytes(2, "big")
        + bytes((moment.month, moment.day, weekday, moment.hour, moment.minute, moment.second, clock.hundredths))
        + clock.deviation.to_bytes(2, "big")
        + bytes((clock.status,))
    )


def decode_datetime(raw: bytes) -> str:
    """The wall-clock time in a COSEM date-time, as ISO 8601 without a zone (the meter's clock as sent)."""
    if len(raw) != 12:
        raise FrameError(f"a COSEM date-time is 12 bytes, not {len(raw)}")
    year = raw[0] << 8 | raw[1]
    month, day, _weekday, hour, minute, second = raw[2:8]
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 60):
        raise FrameError(f"date-time {raw.hex().upper()} is not a valid time")
    # Two-digit fields from a table: every frame carries a date-time, and this is a third cheaper than a %-format.
    return f"{year:04d}-{_TWO_DIGITS[month]}-{_TWO_DIGITS[day]}T{_TWO_DIGITS[hour]}:{_TWO_DIGITS[minute]}:{_TWO_DIGITS[second]}"


@cache
def obis_bytes(code: str) -> bytes:
    """The six bytes of an OBIS code written A.B.C.D.E.F."""
    return bytes(int(part) for part in code.split("."))


def obis_text(raw: bytes) -> str:
    """An OBIS code's six bytes written A.B.C.D.E.F."""
    return ".".join(str(part) for part in raw)
