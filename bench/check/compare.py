"""Is a published list the frame's list? Values equal within the resolution the meter sent them at.

A format may write a value coarser than the meter sent it (two decimals), publish
only what changed (the value it holds stands for the list), or give the meter's
clock as epoch seconds: each is judged as the format promises, never more loosely.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from meter_profiles import TEXT_FIELDS, get_profile
from simulator.run.sentlog import SentValues

from ..observer.payload import finite

__all__ = ["EXACT", "clock_instants", "differences", "resolution"]

# A format that writes every value as the meter sent it.
EXACT: Mapping[str, float] = MappingProxyType({})


@cache
def _resolutions(meter: str) -> dict[tuple[int, str], float]:
    profile = get_profile(meter)
    return {
        (number, item.field): 10.0**item.scaler
        for number, layout in profile.lists.items()
        for item in layout.items
        if item.field and item.field not in TEXT_FIELDS
    }


def resolution(meter: str, list_no: int, name: str) -> float:
    """The step of a numeric field as this meter sends it in this list (1 when the profile does not say)."""
    return _resolutions(meter).get((list_no, name), 1.0)


@cache
def clock_instants(meter: str, wall: str) -> frozenset[int]:
    """The epoch seconds a meter's wall clock reading can name: two in the hour daylight saving repeats."""
    clock = get_profile(meter).clock
    naive = datetime.fromisoformat(wall)
    if clock.kind == "fixed":
        offset = timedelta(minutes=clock.utc_offset_minutes or 0)  # the schema requires it for "fixed"
        return frozenset({round((naive - offset).replace(tzinfo=UTC).timestamp())})
    zone = ZoneInfo(clock.zone or "")  # the schema requires it for "local"
    return frozenset(round(naive.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (0, 1))


def differences(
    frame: SentValues,
    fields: dict[str, Any],
    rounding: Mapping[str, float] = EXACT,
    held: dict[str, Any] | None = None,
) -> list[str]:
    """What differs between a frame's readings and a publication's fields; empty when they agree.

    Numbers agree when they round to the same step of the meter's resolution, or of the
    format's rounding where that is coarser. A value not in fields agrees when the
    format holds it (held, for a format that publishes only what changed) and the held
    value agrees. meter_time may be left out, and may be the frame's header time when
    the list body carries none.
    """
    readings = frame["readings"]
    found = [_differ(frame, name, sent, fields, rounding, held or {}) for name, sent in readings.items()]
    for name in fields.keys() - readings.keys():
        if name == "meter_time" and _same(frame, name, frame.get("meter_time"), fields[name], rounding) is None:
            continue
        found.append(f"{name} published as {fields[name]!r}, which list {frame['list']} does not carry")
    return [text for text in found if text]


def _differ(
    frame: SentValues, name: str, sent: Any, fields: dict[str, Any], rounding: Mapping[str, float], held: dict[str, Any]
) -> str | None:
    if name in fields:
        return _same(frame, name, sent, fields[name], rounding)
    # Many readers never publish the meter's clock; when one does, it must be right.
    if name == "meter_time":
        return None
    if name in held:
        wrong = _same(frame, name, sent, held[name], rounding)
        return f"{wrong} (not published again: unchanged since)" if wrong else None
    return f"{name} missing (sent {sent!r})"


def _same(frame: SentValues, name: str, sent: Any, published: Any, rounding: Mapping[str, float]) -> str | None:
    """None when published is sent as the format writes it; else what differs.

    Both are as they came (a number, a string, or whatever the reader wrote): Any, narrowed by the checks here.
    """
    if sent is None:
        return f"{name} published as {published!r}, which list {frame['list']} does not carry"
    if name == "meter_time" and finite(published) and isinstance(sent, str):
        if round(published) in clock_instants(frame["meter"], sent):
            return None
        shown = datetime.fromtimestamp(published, UTC).isoformat() if abs(published) < 1e11 else published
        return f"meter_time sent {sent!r}, published {published!r} ({shown})"
    if name in TEXT_FIELDS or isinstance(sent, str):
        return None if str(published) == str(sent) else f"{name} sent {sent!r}, published {published!r}"
    if not finite(published):
        return f"{name} sent {sent!r}, published {published!r} (not a number)"
    step = max(resolution(frame["meter"], frame["list"], name), rounding.get(name, 0.0))
    if abs(published - sent) <= step / 2 + 1e-9 * abs(sent):
        return None
    return f"{name} sent {sent:g}, published {published:g} (resolution {step:g})"
