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
from typing import TYPE_CHECKING

from .apdu import DATA_NOTIFICATION, DATETIME_PREFIX, LLC_HEADER, read_notification
from .axdr import ARRAY, STRUCTURE, parse_value
from .cosem import encode_datetime
from .decode_table import DecodeTable, bundled_table, header_key, table_of
from .errors import FrameError
from .generic import read_list
from .hdlc import HdlcFrame, build_frame, parse_frame
from .lists import compiled

if TYPE_CHECKING:
    from meter_profiles import Profile

__all__ = ["FrameDecoder", "decode_frame", "encode_frame", "header_key"]


def encode_frame(profile: Profile, list_no: int, reading: dict) -> bytes:
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


class FrameDecoder:
    """Decodes frames to canonical readings, remembering the last model seen of each make.

    The memory matters for lists that carry no meter-type string (Kaifa's and
    Aidon's list 1): they are credited to the model last seen on that line.
    """

    def __init__(self, profiles: dict[str, Profile] | None = None, remember: bool = True) -> None:
        self._remember = remember
        # None: the bundled profiles, whose table is cached on disk (no profile validated at start-up).
        self._by_shape: DecodeTable = bundled_table() if profiles is None else table_of(profiles)
        self._last: dict[tuple, str] = {}
        self._ordered: dict[tuple, tuple] = {}

    def decode(self, frame: bytes) -> dict:
        """The canonical reading in one whole frame, with `meter` and `list`."""
        return self.decode_hdlc(parse_frame(frame))

    def decode_hdlc(self, hdlc: HdlcFrame) -> dict:
        """The canonical reading in a checked HDLC frame's information field."""
        notification = read_notification(hdlc.info)
        body, end = parse_value(hdlc.info, notification.body_start)
        if end != len(hdlc.info):
            raise FrameError(f"{len(hdlc.info) - end} bytes follow the list inside the frame")
        key = (hdlc.dst, hdlc.src, hdlc.control, notification.invoke_id, notification.datetime_form)
        shape = (body[0], len(body[1]) if body[0] in (ARRAY, STRUCTURE) else -1)
        matched = self._match(key, self._candidates((key, shape), self._last.get(key)), body)
        if matched is not None:
            meter, list_no, reading = matched
        else:
            generic = read_list(body)
            meter, list_no, reading = f"{generic.make}-unknown", generic.list_no, generic.reading
        if notification.header_time is not None:
            reading["meter_time"] = notification.header_time
        return {"meter": meter, "list": list_no, **reading}

    def _candidates(self, shaped: tuple, last: str | None) -> tuple:
        """The lists with this header and shape, the model last seen with this header first (worked out once)."""
        ordered = self._ordered.get((shaped, last))
        if ordered is None:
            lists = self._by_shape.get(shaped, [])
            ordered = tuple(sorted(lists, key=lambda entry: entry.name != last))  # stable: the rest keep name order
            self._ordered[(shaped, last)] = ordered
        return ordered

    def _match(self, key: tuple, lists: tuple, body: tuple) -> tuple[str, int, dict] | None:
        """The model, list number and reading of the first list that fits the body and whose meter type (if
        sent) is its profile's; the model last seen with this header comes first, so a list that names no
        model is credited to it."""
        for name, meter_type, list_no, form in lists:
            reading = form.match(body)
            if reading is not None and reading.get("meter_type", meter_type) == meter_type:
                if self._remember and "meter_type" in reading:
                    self._last[key] = name
                return name, list_no, reading
        return None


@cache
def _stateless_decoder() -> FrameDecoder:
    return FrameDecoder(remember=False)


def decode_frame(frame: bytes) -> dict:
    """The canonical reading in one whole frame, against the bundled profiles, with no memory of
    earlier frames (a Kaifa or Aidon list 1 is credited to the first model of its make by name)."""
    return _stateless_decoder().decode(frame)
