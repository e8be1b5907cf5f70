"""Is a published list the frame's list? Values equal within the resolution the meter sent them at."""

from functools import cache
from typing import Any

from meter_profiles import TEXT_FIELDS, get_profile

__all__ = ["differences", "resolution"]


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


def differences(frame: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    """What differs between a frame's readings and a publication's fields; empty when they agree.

    Numbers agree when they round to the same step of the meter's resolution
    (a reader that scales right publishes the sent value exactly, up to float
    noise). meter_time may be left out, and may be the frame's header time
    when the list body carries none.
    """
    readings = frame["readings"]
    found = [_differ(frame, name, sent, fields) for name, sent in readings.items()]
    for name in fields.keys() - readings.keys():
        if name == "meter_time" and fields[name] == frame.get("meter_time"):
            continue
        found.append(f"{name} published as {fields[name]!r}, which list {frame['list']} does not carry")
    return [text for text in found if text]


def _differ(frame: dict[str, Any], name: str, sent: float | str, fields: dict[str, Any]) -> str | None:
    if name not in fields:
        # Many readers never publish the meter's clock; when one does, it must be right.
        return None if name == "meter_time" else f"{name} missing (sent {sent!r})"
    published = fields[name]
    if name in TEXT_FIELDS or isinstance(sent, str):
        return None if str(published) == str(sent) else f"{name} sent {sent!r}, published {published!r}"
    if not isinstance(published, (int, float)) or isinstance(published, bool):
        return f"{name} sent {sent!r}, published {published!r} (not a number)"
    step = resolution(frame["meter"], frame["list"], name)
    if abs(published - sent) <= step / 2 + 1e-9 * abs(sent):
        return None
    return f"{name} sent {sent:g}, published {published:g} (resolution {step:g})"
