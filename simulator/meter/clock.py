"""The meter's own clock, which is what every frame carries.

A Kaifa clock is the local wall clock with daylight saving; Kamstrup and Aidon
clocks run at a fixed UTC offset all year. The clock starts wherever the run
asks (23:59:50 on the night daylight saving ends, New Year's Eve) and may be
made to jump by a fault; true time (what energy is integrated over) never jumps.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from meter_profiles.schema import ClockSettings

from ..errors import SimulatorError
from ..timing.zones import OffsetCache

__all__ = ["ClockError", "MeterClock", "parse_start"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ClockError(SimulatorError, ValueError):
    """A start time that is not a time this meter's clock can show."""


def _zone(settings: ClockSettings) -> timezone | ZoneInfo:
    if settings.kind == "fixed":
        return timezone(timedelta(minutes=settings.utc_offset_minutes or 0))  # the schema requires it for "fixed"
    try:
        return ZoneInfo(settings.zone or "")  # the schema requires it for "local"; "" is refused below
    except (ZoneInfoNotFoundError, ValueError):
        raise ClockError(f"clock zone {settings.zone!r} is not a known IANA zone (such as Europe/Oslo)") from None


def parse_start(start: str | datetime | None, settings: ClockSettings) -> datetime:
    """The UTC instant a run starts, from the meter wall time it should show then.

    A naive time is read on the meter's own clock. On the night daylight saving
    ends, a local time that occurs twice means its first occurrence (summer
    time); add an offset (…+01:00) to mean the second. A local time that does
    not exist (skipped when summer time begins) is refused.
    """
    if start is None:
        return datetime.now(UTC).replace(microsecond=0)
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start)
        except ValueError:
            raise ClockError(f"start must be ISO 8601 such as 2024-10-27T02:59:50, not {start!r}") from None
    if start.tzinfo is not None:
        return start.astimezone(UTC)
    zone = _zone(settings)
    moment = start.replace(tzinfo=zone)
    utc = moment.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != start:
        raise ClockError(
            f"start {start.isoformat()} does not exist on a {settings.zone} clock "
            "(daylight saving skips that hour): pick a time outside it"
        )
    return utc


@dataclass
class MeterClock:
    """Meter time as a function of true seconds elapsed since the run started.

    Slots are found on `meter_seconds`, a count of the meter's seconds that is
    aligned with its wall clock at the start. Daylight saving moves a wall clock
    by whole hours, which every push period divides, so the :00/:10 and hh:00:10
    slots stay on the wall clock's marks across the change; the count itself
    never jumps, so the meter keeps pushing every period of true time.
    """

    settings: ClockSettings
    start_utc: datetime
    # How far the meter's clock is ahead of true time: 0 until a clock-jump fault.
    error_s: float = 0.0

    def __post_init__(self) -> None:
        self._zone = _zone(self.settings)
        self._offsets = OffsetCache(self._zone)
        offset = self.start_utc.astimezone(self._zone).utcoffset()
        self._grid_offset = offset.total_seconds() if offset is not None else 0.0
        self._start_epoch = (self.start_utc - _EPOCH).total_seconds()

    @classmethod
    def starting_at(cls, settings: ClockSettings, start: str | datetime | None) -> "MeterClock":
        """A clock that shows `start` (meter wall time, see parse_start) at elapsed 0."""
        return cls(settings, parse_start(start, settings))

    def utc(self, elapsed: float) -> datetime:
        """The UTC instant the meter believes it is, after `elapsed` true seconds."""
        return self.start_utc + timedelta(seconds=elapsed + self.error_s)

    def wall(self, elapsed: float) -> datetime:
        """The meter's wall clock (naive) after `elapsed` true seconds."""
        return self._offsets.wall(self._start_epoch + elapsed + self.error_s)

    def meter_time(self, elapsed: float) -> str:
        """The wall clock as the frames carry it: whole seconds, ISO 8601 without a zone."""
        return self._offsets.wall(math.floor(self._start_epoch + elapsed + self.error_s)).isoformat()

    def meter_seconds(self, elapsed: float) -> float:
        """The meter's running second count (wall-aligned at the start) after `elapsed` true seconds."""
        return self._start_epoch + self._grid_offset + elapsed + self.error_s

    def elapsed_at(self, meter_seconds: float) -> float:
        """True seconds since the start at which the meter's second count reaches `meter_seconds`."""
        return meter_seconds - self._start_epoch - self._grid_offset - self.error_s

    def jump(self, seconds: float) -> None:
        """Set the meter's clock forward (or back, if negative) without moving true time."""
        self.error_s += seconds
