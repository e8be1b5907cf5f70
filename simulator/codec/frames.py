"""Whole HAN frames: HDLC around an LLC header around a DLMS data-notification.

Encoding needs a profile, a list number and a reading. Decoding goes down the
layers: HDLC (hdlc.py), the notification header (apdu.py), the A-XDR body
(axdr.py), then the profile match: addresses, invoke id and date-time form
narrow the candidates, the list's shape picks the layout, and the meter-type
string (where the list carries one) picks the model. A list no profile fits is
read by the generic layer (generic.py) and credited to `<make>-unknown`.
"""

from functools import cache
from typing import Any, TypeAlias

from meter_profiles import Profile, bundled_profiles

from .apdu import DATA_NOTIFICATION, DATETIME_PREFIX, LLC_HEADER, read_notification
from .axdr import ARRAY, STRUCTURE, Node, parse_value
from .cosem import encode_datetime
from .errors import FrameError
from .generic import read_list
from .hdlc import HdlcFrame, build_frame, parse_frame
from .lists import CompiledList, compiled

__all__ = ["FrameDecoder", "decode_frame", "encode_frame", "header_key"]

# What a profile's every frame shares before the body (addresses, control, invoke id, date-time form), compared
# whole; a list's body shape (outer tag, element count); one list of one profile, ready to match.
HeaderKey: TypeAlias = tuple[object, ...]
ShapedKey: TypeAlias = tuple[HeaderKey, tuple[int, int]]
Candidate: TypeAlias = tuple[Profile, int, CompiledList]


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


def header_key(profile: Profile) -> HeaderKey:
    """What a profile's every frame shares before the body: addresses, control, invoke id, date-time form."""
    return (profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], profile.apdu.invoke_id, profile.apdu.datetime)


class FrameDecoder:
    """Decodes frames to canonical readings, remembering the last model seen of each make.

    The memory matters for lists that carry no meter-type string (Kaifa's and
    Aidon's list 1): they are credited to the model last seen on that line.
    """

    def __init__(self, profiles: dict[str, Profile] | None = None, remember: bool = True) -> None:
        self._remember = remember
        # (header key, body shape) -> the lists of the profiles with that header that have that shape.
        self._by_shape: dict[ShapedKey, list[Candidate]] = {}
        for profile in (bundled_profiles() if profiles is None else profiles).values():
            for list_no, layout in profile.lists.items():
                form = compiled(layout)
                self._by_shape.setdefault((header_key(profile), form.shape), []).append((profile, list_no, form))
        self._last: dict[HeaderKey, str] = {}
        self._ordered: dict[tuple[ShapedKey, str | None], tuple[Candidate, ...]] = {}

    def decode(self, frame: bytes) -> dict[str, Any]:
        """The canonical reading in one whole frame, with `meter` and `list`."""
        return self.decode_hdlc(parse_frame(frame))

    def decode_hdlc(self, hdlc: HdlcFrame) -> dict[str, Any]:
        """The canonical reading in a checked HDLC frame's information field."""
        notification = read_notification(hdlc.info)
        body, end = parse_value(hdlc.info, notification.body_start)
        if end != len(hdlc.info):
            raise FrameError(f"{len(hdlc.info) - end} bytes follow the list inside the frame")
        key = (hdlc.dst, hdlc.src, hdlc.control, notification.invoke_id, notification.datetime_form)
        shape = (body[0], len(body[1]) if body[0] in (ARRAY, STRUCTURE) else -1)
        matched = self._match(key, self._candidates((key, shape), self._last.get(key)), body)
        if matched is not None:
            profile, list_no, reading = matched
            meter = profile.name
        else:
            generic = read_list(body)
            meter, list_no, reading = f"{generic.make}-unknown", generic.list_no, generic.reading
        if notification.header_time is not None:
            reading["meter_time"] = notification.header_time
        return {"meter": meter, "list": list_no, **reading}

    def _candidates(self, shaped: ShapedKey, last: str | None) -> tuple[Candidate, ...]:
        """The lists with this header and shape, the model last seen with this header first (worked out once)."""
        ordered = self._ordered.get((shaped, last))
        if ordered is None:
            lists = self._by_shape.get(shaped, [])
            ordered = tuple(sorted(lists, key=lambda entry: entry[0].name != last))  # stable: the rest keep name order
            self._ordered[(shaped, last)] = ordered
        return ordered

    def _match(
        self, key: HeaderKey, lists: tuple[Candidate, ...], body: Node
    ) -> tuple[Profile, int, dict[str, Any]] | None:
        """The first list that fits the body and whose meter type (if sent) is its profile's; the model
        last seen with this header comes first, so a list that names no model is credited to it."""
        for profile, list_no, form in lists:
            reading = form.match(body)
            if (
                reading is not None
                and reading.get("meter_type", profile.identity.meter_type) == profile.identity.meter_type
            ):
                if self._remember and "meter_type" in reading:
                    self._last[key] = profile.name
                return profile, list_no, reading
        return None


@cache
def _stateless_decoder() -> FrameDecoder:
    return FrameDecoder(remember=False)


def decode_frame(frame: bytes) -> dict[str, Any]:
    """The canonical reading in one whole frame, against the bundled profiles, with no memory of
    earlier frames (a Kaifa or Aidon list 1 is credited to the first model of its make by name)."""
    return _stateless_decoder().decode(frame)
