"""Encoding a meter's lists at C speed: one `struct` layout a list, only its values packed frame after frame.

A meter sends the same list frame after frame, and only its registers and
clocks change: the HDLC header (its length included), the LLC and
notification header, tags, OBIS codes, scaler-units and identity strings are
the same bytes every time. So the first frame of a list (for one set of
identity strings) gives a template: the fixed bytes as runs, the values as
struct codes between them. A frame is then one `pack` over the values and
one CRC over the result. templates.py does the same the other way round.

`encode_frame` stays the definition: a template is kept only if it gives
that function's bytes for the reading it was made from, and a reading a
template cannot take (a field missing, a value out of range, a bad time)
goes through `encode_frame`, which returns its frame or raises its error.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any, NamedTuple

from .apdu import DATA_NOTIFICATION, DATETIME_PREFIX, LLC_HEADER
from .axdr import STRUCT_CODES
from .cosem import encode_datetime
from .crc import crc16_x25
from .errors import FrameError
from .frames import encode_frame
from .hdlc import FLAG, build_frame
from .lists import CompiledList, compiled, text_value

if TYPE_CHECKING:
    from meter_profiles import Profile

__all__ = ["FrameEncoder"]

_FLAG = bytes((FLAG,))
_DATETIME_TAG = b"\x09\x0c"
# What a reading a template cannot take raises on the fast path; encode_frame then has the last word.
_UNFIT = (AttributeError, KeyError, TypeError, ValueError, OverflowError, struct.error, FrameError)
# Templates one encoder keeps: a meter has a few lists and one identity; odd readings must not grow it without end.
_MAX_TEMPLATES = 32


class _Template(NamedTuple):
    """One list's frame as a struct layout over the bytes between the flags; `args` holds the fixed runs."""

    layout: struct.Struct
    args: list[Any]  # the fixed runs in place, None where a value goes
    numbers: tuple[tuple[int, str, int, bool], ...]  # (index in args, field, 10 ** |scaler|, scaler < 0)
    extras: tuple[tuple[int, str, Any, int, bool], ...]  # the same for numbers under `extra`, with the default
    times: tuple[tuple[int, str], ...]  # (index in args, field) of the date-times, the header's among them


class _Builder:
    """Collects a layout: fixed bytes join the run before them, each value gets a struct code and a place."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.args: list[Any] = []
        self._run = bytearray()

    def fixed(self, data: bytes) -> None:
        self._run += data

    def value(self, code: str) -> int:
        """A value's place in the args (after the fixed bytes collected so far)."""
        self._close_run()
        self.codes.append(code)
        self.args.append(None)
        return len(self.args) - 1

    def finish(self) -> None:
        self._close_run()

    def _close_run(self) -> None:
        if self._run:
            self.codes.append(f"{len(self._run)}s")
            self.args.append(bytes(self._run))
            self._run = bytearray()


class FrameEncoder:
    """One profile's frames, each list packed through its template; the same bytes encode_frame gives."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._forms = {list_no: compiled(layout) for list_no, layout in profile.lists.items()}
        # (list number, its text values) -> the template, or None for a list only encode_frame can encode.
        self._templates: dict[tuple[Any, ...], _Template | None] = {}
        self._last_time = ("", b"")  # the last date-time encoded: a frame's header and body often share it

    def encode(self, list_no: int, reading: dict[str, Any]) -> bytes:
        """The whole frame, flags included, that this meter sends for this list and reading."""
        form = self._forms.get(list_no)
        if form is None:
            return encode_frame(self.profile, list_no, reading)
        try:
            key = (list_no, *_texts(form, reading))
            template = self._templates[key] if key in self._templates else self._learn(key, form, reading)
            if template is not None:
                return self._pack(template, reading)
        except _UNFIT:
            pass
        return encode_frame(self.profile, list_no, reading)

    def _pack(self, template: _Template, reading: dict[str, Any]) -> bytes:
        args = template.args.copy()
        for index, field, factor, negative in template.numbers:
            value = reading[field]
            args[index] = round(value * factor) if negative else round(value / factor)  # lists.unscale inline
        if template.extras:
            extra = reading.get("extra", {})
            for index, code, default, factor, negative in template.extras:
                value = extra.get(code, default)
                args[index] = round(value * factor) if negative else round(value / factor)
        for index, field in template.times:
            args[index] = self._datetime(reading[field])
        body = template.layout.pack(*args)
        crc = crc16_x25(body)
        return _FLAG + body + bytes((crc & 0xFF, crc >> 8, FLAG))

    def _datetime(self, meter_time: str) -> bytes:
        if self._last_time[0] != meter_time:
            self._last_time = (meter_time, encode_datetime(meter_time, self.profile.clock))
        return self._last_time[1]

    def _learn(self, key: tuple[Any, ...], form: CompiledList, reading: dict[str, Any]) -> _Template | None:
        """The template of a list for these text values, if it gives encode_frame's bytes for this reading."""
        template = _template(self.profile, form, reading)
        if template is not None and self._pack(template, reading) != encode_frame(self.profile, key[0], reading):
            template = None
        if len(self._templates) < _MAX_TEMPLATES:
            self._templates[key] = template
        return template


def _texts(form: CompiledList, reading: dict[str, Any]) -> tuple[Any, ...]:
    """The values of a list's text items in a reading: a template holds them as fixed bytes."""
    extra = reading.get("extra", {})
    return tuple(
        reading[item.field] if item.kind == "text" else extra.get(item.field, item.default)
        for item in form.items
        if item.kind in ("text", "extra-text")
    )


def _template(profile: Profile, form: CompiledList, reading: dict[str, Any]) -> _Template | None:
    """A list's layout for the text values in `reading`; None for a list with a value no struct code holds."""
    info = _Builder()
    numbers, extras, times = [], [], []
    info.fixed(LLC_HEADER + bytes((DATA_NOTIFICATION,)) + profile.apdu.invoke_id)
    info.fixed(DATETIME_PREFIX[profile.apdu.datetime])
    if profile.apdu.datetime != "null":
        times.append((info.value("12s"), "meter_time"))
    info.fixed(form.header)
    extra = reading.get("extra", {})
    for item, (prefix, suffix, null) in form.framed_items():
        info.fixed(prefix)
        if null:
            continue
        if item.kind in ("number", "extra-number") and item.tag in STRUCT_CODES:
            info.fixed(bytes((item.tag,)))
            place = (info.value(STRUCT_CODES[item.tag]), item.field)
            if item.kind == "number":
                numbers.append((*place, 10 ** abs(item.scaler), item.scaler < 0))
            else:
                extras.append((*place, item.default, 10 ** abs(item.scaler), item.scaler < 0))
        elif item.kind == "time":
            info.fixed(_DATETIME_TAG)
            times.append((info.value("12s"), item.field))
        elif item.kind == "text":
            info.fixed(text_value(item.tag, reading[item.field]))
        elif item.kind == "extra-text":
            info.fixed(text_value(item.tag, extra.get(item.field, item.default)))
        else:
            return None
        info.fixed(suffix)
    info.finish()
    size = struct.calcsize(">" + "".join(info.codes))
    # The header is build_frame's for an information field of this size: its length and HCS never change.
    header = build_frame(profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], bytes(size))[1 : -size - 3]
    layout = struct.Struct(">" + "".join([f"{len(header)}s", *info.codes]))
    shift = 1  # every value's place moves by the header's run
    return _Template(
        layout,
        [header, *info.args],
        tuple((index + shift, *rest) for index, *rest in numbers),
        tuple((index + shift, *rest) for index, *rest in extras),
        tuple((index + shift, field) for index, field in times),
    )
