"""Frame templates: a list read again at C speed once its first frame has been read in full.

A meter sends the same list frame after frame, and only its registers and
clock change: every other byte (the LLC and notification header, tags,
lengths, OBIS codes, the identity strings) stays the same. Once the frame
decoder has read a frame through every layer and matched it to a model's
list, a template records those bytes and where the values lie between them,
as one `struct` layout over the whole information field. A later frame of the
same length whose fixed bytes are all equal holds the same list of the same
meter, so its reading is the first one's with the new values put in.

Everything the full decode decides (which model, which list, which fields)
depends only on the fixed bytes, so a template can never read a frame
differently; a frame it does not fit, or a clock it cannot read, goes the
full way and gets the full way's answer or error.
"""

from __future__ import annotations

import operator
import struct
from typing import Any, NamedTuple

from .apdu import Notification
from .axdr import STRUCT_CODES, leaf_spans
from .cosem import decode_datetime
from .errors import FrameError
from .lists import CompiledList

__all__ = ["FrameTemplate", "make_template"]

_DATETIME = "12s"


class FrameTemplate(NamedTuple):
    """One list of one meter as its frames look, and how to read a frame that looks like it."""

    layout: struct.Struct
    fixed: operator.itemgetter[Any]  # the fixed runs among the unpacked fields (their indices: one int or several)
    expected: object  # what `fixed` gives on a frame of this list
    reading: dict[str, Any]  # the first frame's reading: identity strings, key order, meter and list
    # (field, index among the unpacked fields, 10 ** |scaler|, whether the scaler is negative): scale() inline
    numbers: tuple[tuple[str, int, int, bool], ...]
    extras: tuple[tuple[str, int, int, bool], ...]  # the same, for numbers under `extra`
    times: tuple[tuple[str, int], ...]  # (field, index) of the date-times, the header's last (it wins)

    def read(self, info: bytes) -> dict[str, Any] | None:
        """The reading in an information field that fits this template, or None if it does not fit."""
        if len(info) != self.layout.size:
            return None
        values = self.layout.unpack(info)
        if self.fixed(values) != self.expected:
            return None
        reading = self.reading.copy()
        for field, index, factor, divide in self.numbers:
            reading[field] = values[index] / factor if divide else values[index] * factor
        if self.extras:
            extra = reading["extra"] = reading["extra"].copy()
            for code, index, factor, divide in self.extras:
                extra[code] = values[index] / factor if divide else values[index] * factor
        try:
            for field, index in self.times:
                reading[field] = decode_datetime(values[index])
        except FrameError:
            return None  # not a valid time: the full decode says so in its own words
        return reading


def _changing(
    info: bytes, notification: Notification, form: CompiledList
) -> list[tuple[int, int, str, str, str, int]] | None:
    """(start, end, struct code, kind, field, scaler) of every value that changes from frame to frame, in
    byte order (the header's date-time first); None if the body's leaves are not the list's."""
    spans = leaf_spans(info, notification.body_start)
    items = form.leaf_items()
    if len(spans) != len(items):
        return None
    changing: list[tuple[int, int, str, str, str, int]] = []
    if notification.header_time is not None:  # its 12 bytes end where the body starts
        changing.append((notification.body_start - 12, notification.body_start, _DATETIME, "time", "meter_time", 0))
    for (tag, start, end), item in zip(spans, items, strict=True):
        if item is not None and item.kind in ("number", "extra-number"):
            changing.append((start, end, STRUCT_CODES[tag], item.kind, item.field, item.scaler))
        elif item is not None and item.kind == "time":
            changing.append((start, end, _DATETIME, "time", item.field, 0))
    return changing


def make_template(
    info: bytes, notification: Notification, form: CompiledList, reading: dict[str, Any]
) -> FrameTemplate | None:
    """The template of a frame whose information field the full decode read as `reading` through `form`;
    None for a list a template cannot hold."""
    changing = _changing(info, notification, form)
    if changing is None:
        return None
    codes, fixed = [">"], []
    kinds: dict[str, list[tuple[str, int, int, bool]]] = {"number": [], "extra-number": [], "time": []}
    cursor = 0
    for start, end, code, kind, field, scaler in changing:
        if start > cursor:  # the fixed bytes before this value, as one run
            fixed.append(len(codes) - 1)
            codes.append(f"{start - cursor}s")
        kinds[kind].append((field, len(codes) - 1, 10 ** abs(scaler), scaler < 0))
        codes.append(code)
        cursor = end
    if cursor < len(info):
        fixed.append(len(codes) - 1)
        codes.append(f"{len(info) - cursor}s")
    layout, getter = struct.Struct("".join(codes)), operator.itemgetter(*fixed)
    times = [(field, index) for field, index, _, _ in kinds["time"]]
    if (
        notification.header_time is not None
    ):  # the header's clock, first in the frame, is the reading's meter_time: set last
        times = times[1:] + times[:1]
    base = {**reading, "extra": dict(reading["extra"])} if "extra" in reading else dict(reading)
    numbers, extras = tuple(kinds["number"]), tuple(kinds["extra-number"])
    return FrameTemplate(layout, getter, getter(layout.unpack(info)), base, numbers, extras, tuple(times))
