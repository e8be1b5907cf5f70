"""UTC to wall-clock offsets, looked up once per quarter hour.

Every zone in the tz database changes its offset only on a quarter hour, so
one lookup serves the whole block; asking zoneinfo for every frame of a 48-hour
warped run would cost more than building the frame.
"""

from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["OffsetCache"]

_BLOCK_S = 900


class OffsetCache:
    """The UTC offset of a zone at any instant, in seconds, remembered per quarter hour."""

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone
        self._block: int | None = None
        self._offset = 0

    def offset_s(self, utc_s: float) -> int:
        """Seconds to add to UTC for the zone's wall clock at this instant (seconds since the epoch)."""
        block = int(utc_s // _BLOCK_S)
        if block != self._block:
            moment = datetime.fromtimestamp(block * _BLOCK_S, UTC)
            offset = self._zone.utcoffset(moment.astimezone(self._zone))
            self._offset = int(offset.total_seconds()) if offset is not None else 0
            self._block = block
        return self._offset

    def wall(self, utc_s: float) -> datetime:
        """The zone's wall clock (naive) at this instant."""
        return datetime(1970, 1, 1) + timedelta(seconds=utc_s + self.offset_s(utc_s))
