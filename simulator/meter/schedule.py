"""When a meter pushes which list, from its profile's schedule, in meter time.

Each PushSlot sends a list every period at an offset on the meter's second
count. When several lists fall on one instant the one of highest priority is
sent and the others are not: a Kaifa list 1 slot on a :x0 second is taken by
list 2, and hh:00:10 is taken by list 3 (HAN-FACTS: list 1 gaps of 2 s or 4 s).
Times are whole milliseconds so that 2.5 s periods add up exactly.
"""

from collections.abc import Iterator
from typing import NamedTuple

from meter_profiles.schema import PushSlot

__all__ = ["Push", "Schedule"]


class Push(NamedTuple):
    """One push: the list sent at a meter instant, and how long before it its values were taken (a tuple: one is
    made for every frame, and a tuple is made in a third of a frozen dataclass's time)."""

    meter_ms: int
    list_no: int
    lag_ms: int


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


class Schedule:
    """The push schedule of one profile, asked for the next push after a meter instant."""

    def __init__(self, slots: list[PushSlot]) -> None:
        self._slots = [(_ms(s.period_s), _ms(s.offset_s), s.priority, s.list, _ms(s.lag_s)) for s in slots]

    @property
    def step_ms(self) -> int:
        """The shortest push period: how often the meter reports its instantaneous values."""
        return min(period for period, *_ in self._slots)

    def next_push(self, after_ms: int) -> Push:
        """The first push strictly after `after_ms` on the meter's millisecond count."""
        best: tuple[int, int, int, int] | None = None
        for period, offset, priority, list_no, lag in self._slots:
            at = ((after_ms - offset) // period + 1) * period + offset
            if best is None or at < best[0] or (at == best[0] and priority > best[1]):
                best = (at, priority, list_no, lag)
        assert best is not None, "a schedule has at least one slot (a profile has at least one push)"
        at, _, chosen, lag = best
        return Push(at, chosen, lag)

    def pushes(self, after_ms: int, until_ms: int) -> Iterator[Push]:
        """Every push strictly after `after_ms` and up to `until_ms`, in order."""
        push = self.next_push(after_ms)
        while push.meter_ms <= until_ms:
            yield push
            push = self.next_push(push.meter_ms)
