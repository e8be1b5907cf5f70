"""Whole HAN frames: HDLC around an LLC header around a DLMS data-notification.

Encoding needs a profile, a list number and a reading. Decoding goes down the
layers: HDLC (hdlc.py), the notification header (apdu.py), the A-XDR body
(axdr.py), then the profile match: addresses, invoke id and date-time form
narrow the candidates, the list's shape picks the layout, and the meter-type
string (where the list carries one) picks the model. A list no profile fits is
read by the generic layer (generic.py) and credited to `<make>-unknown`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .apdu import DATA_NOTIFICATION, DATETIME_PREFIX, LLC_HEADER, read_notification
from .axdr import ARRAY, STRUCTURE, Node, parse_value
from .cosem import encode_datetime
from .decode_table import Candidate, DecodeTable, HeaderKey, Shape, bundled_table, header_key, table_of
from .errors import FrameError
from .generic import read_list
from .hdlc import HdlcFrame, build_frame, parse_frame
from .lists import compiled
from .templates import FrameTemplate, make_template

if TYPE_CHECKING:
    from meter_profiles import Profile

__all__ = ["FrameDecoder", "decode_frame", "encode_frame", "header_key"]


def encode_frame(profile: Profile, list_no: int, reading: dict[str, Any]) -> bytes:
    """The whole frame, flags included, that this meter sends for this list and reading."""
    layout = profile.lists.get(list_no)
    if layout is None:
        raise FrameError(f"{profile.name} sends no list {list_no} (it sends lists {sorted(profile.lists)})")
    header_time = b""
    if profile.apdu.datetime != "null":
        if "meter_time" not in reading:
            raise FrameError(f"reading has no meter_time, which {profile.name} puts in every frame's header")
        header_time = encode_datetime(reading["meter_time"], profile.clock)
    apdu = (
        bytes((DATA_NOTIFICATION,))
        + profile.apdu.invoke_id
        + DATETIME_PREFIX[profile.apdu.datetime]
        + header_time
        + compiled(layout).encode(reading, profile.clock)
    )
    return build_frame(profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], LLC_HEADER + apdu)


# Templates one decoder keeps: a line carries a few lists of a meter or two; noise must not grow it without end.
_MAX_TEMPLATES = 64


class _Learned(NamedTuple):
    """A template, and the decoder state under which its list won: header key, model last seen, model."""

    template: FrameTemplate
    key: HeaderKey
    last: str | None
    name: str
    names_model: bool  # the list carries a meter type: a frame of it makes its model the last seen


class FrameDecoder:
    """Decodes frames to canonical readings, remembering the last model seen of each make.

    The memory matters for lists that carry no meter-type string (Kaifa's and
    Aidon's list 1): they are credited to the model last seen on that line.
    A list read in full once is read again through its template (templates.py).
    """

    def __init__(self, profiles: dict[str, Profile] | None = None, remember: bool = True) -> None:
        self._remember = remember
        # None: the bundled profiles, whose table is cached on disk (no profile validated at start-up).
        self._by_shape: DecodeTable = bundled_table() if profiles is None else table_of(profiles)
        self._last: dict[HeaderKey, str] = {}
        self._ordered: dict[tuple[tuple[HeaderKey, Shape], str | None], tuple[Candidate, ...]] = {}
        # (dst, src, control, information field length) -> the templates of the lists read with them.
        self._templates: dict[tuple[bytes, bytes, int, int], list[_Learned]] = {}
        self._template_count = 0

    def decode(self, frame: bytes) -> dict[str, Any]:
        """The canonical reading in one whole frame, with `meter` and `list`."""
        return self.decode_hdlc(parse_frame(frame))

    def decode_hdlc(self, hdlc: HdlcFrame) -> dict[str, Any]:
        """The canonical reading in a checked HDLC frame's information field."""
        info = hdlc.info
        for learned in self._templates.get((hdlc.dst, hdlc.src, hdlc.control, len(info)), ()):
            if self._last.get(learned.key) != learned.last:
                continue
            reading = learned.template.read(info)
            if reading is not None:
                if learned.names_model:
                    self._last[learned.key] = learned.name
                return reading
        return self._decode_in_full(hdlc)

    def _decode_in_full(self, hdlc: HdlcFrame) -> dict[str, Any]:
        """decode_hdlc down every layer; a list that matches a model's gets a template."""
        notification = read_notification(hdlc.info)
        body, end = parse_value(hdlc.info, notification.body_start)
        if end != len(hdlc.info):
            raise FrameError(f"{len(hdlc.info) - end} bytes follow the list inside the frame")
        key = (hdlc.dst, hdlc.src, hdlc.control, notification.invoke_id, notification.datetime_form)
        shape = (body[0], len(body[1]) if body[0] in (ARRAY, STRUCTURE) else -1)
        last = self._last.get(key)
        matched = self._match(key, self._candidates((key, shape), last), body)
        if matched is not None:
            candidate, reading = matched
            meter, list_no = candidate.name, candidate.list_no
        else:
            generic = read_list(body)
            meter, list_no, reading = f"{generic.make}-unknown", generic.list_no, generic.reading
        names_model = self._remember and "meter_type" in reading
        if notification.header_time is not None:
            reading["meter_time"] = notification.header_time
        result = {"meter": meter, "list": list_no, **reading}
        if matched is not None and self._template_count < _MAX_TEMPLATES:
            template = make_template(hdlc.info, notification, candidate.form, result)
            if template is not None:
                self._keep(hdlc, _Learned(template, key, last, meter, names_model))
        return result

    def _keep(self, hdlc: HdlcFrame, learned: _Learned) -> None:
        """Keep a template for the frames with this frame's addresses, control and length."""
        self._templates.setdefault((hdlc.dst, hdlc.src, hdlc.control, len(hdlc.info)), []).append(learned)
        self._template_count += 1

    def _candidates(self, shaped: tuple[HeaderKey, Shape], last: str | None) -> tuple[Candidate, ...]:
        """The lists with this header and shape, the model last seen with this header first (worked out once)."""
        ordered = self._ordered.get((shaped, last))
        if ordered is None:
            lists = self._by_shape.get(shaped, [])
            ordered = tuple(sorted(lists, key=lambda entry: entry.name != last))  # stable: the rest keep name order
            self._ordered[(shaped, last)] = ordered
        return ordered

    def _match(
        self, key: HeaderKey, lists: tuple[Candidate, ...], body: Node
    ) -> tuple[Candidate, dict[str, Any]] | None:
        """The first list that fits the body and whose meter type (if sent) is its profile's, and its reading;
        the model last seen with this header comes first, so a list that names no model is credited to it."""
        for candidate in lists:
            reading = candidate.form.match(body)
            if reading is not None and reading.get("meter_type", candidate.meter_type) == candidate.meter_type:
                if self._remember and "meter_type" in reading:
                    self._last[key] = candidate.name
                return candidate, reading
        return None


@cache
def _stateless_decoder() -> FrameDecoder:
    return FrameDecoder(remember=False)


def decode_frame(frame: bytes) -> dict[str, Any]:
    """The canonical reading in one whole frame, against the bundled profiles, with no memory of
    earlier frames (a Kaifa or Aidon list 1 is credited to the first model of its make by name)."""
    return _stateless_decoder().decode(frame)
