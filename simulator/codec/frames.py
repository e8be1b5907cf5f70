"""Whole HAN frames: HDLC around an LLC header around a DLMS data-notification.

Encoding needs a profile, a list number and a reading. Decoding finds the
profile by the frame itself: addresses, invoke id and date-time form narrow
the candidates, the list's shape picks the layout, and the meter-type string
(where the list carries one) picks the model.
"""

from functools import cache

from meter_profiles import Profile, bundled_profiles

from .axdr import ARRAY, STRUCTURE, parse_value
from .cosem import decode_datetime, encode_datetime
from .errors import FrameError
from .hdlc import build_frame, parse_frame
from .lists import CompiledList, compiled

__all__ = ["LLC_HEADER", "DATA_NOTIFICATION", "encode_frame", "decode_frame", "FrameDecoder"]

LLC_HEADER = b"\xe6\xe7\x00"
DATA_NOTIFICATION = 0x0F
_DATETIME_PREFIX = {"octet-string": b"\x09\x0c", "bare": b"\x0c", "null": b"\x00"}


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
        + _DATETIME_PREFIX[profile.apdu.datetime]
        + header_time
        + compiled(layout).encode(reading, profile.clock)
    )
    return build_frame(profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], LLC_HEADER + apdu)


def _split_apdu(info: bytes) -> tuple[bytes, str, str | None, int]:
    """Invoke id, date-time form, header time and where the body starts, from the information field."""
    if info[:3] != LLC_HEADER:
        raise FrameError(f"LLC header must be E6 E7 00, not {info[:3].hex(' ').upper()}")
    if len(info) < 9 or info[3] != DATA_NOTIFICATION:
        raise FrameError("not a DLMS data-notification (APDU tag 0F)")
    invoke_id = info[4:8]
    marker = info[8]
    if marker == 0x09 and info[9:10] == b"\x0c":
        return invoke_id, "octet-string", decode_datetime(info[10:22]), 22
    if marker == 0x0C:
        return invoke_id, "bare", decode_datetime(info[9:21]), 21
    if marker == 0x00:
        return invoke_id, "null", None, 9
    raise FrameError(f"date-time in the APDU header must be 09 0C, 0C or 00, not {info[8:10].hex(' ').upper()}")


def _describe(body: tuple) -> str:
    tag, children = body
    if tag == STRUCTURE:
        return f"a structure of {len(children)} items"
    if tag == ARRAY:
        return f"an array of {len(children)} items"
    return "a single value"


class FrameDecoder:
    """Decodes frames to canonical readings, remembering the last model seen of each make.

    The memory matters for lists that carry no meter-type string (Kaifa's and
    Aidon's list 1): they are credited to the model last seen on that line.
    """

    def __init__(self, profiles: dict[str, Profile] | None = None, remember: bool = True) -> None:
        self._remember = remember
        # (addresses, control, invoke id, date-time form) -> profiles that send them, and
        # (that key, body shape) -> the lists of those profiles that have that shape.
        self._by_header: dict[tuple, list[Profile]] = {}
        self._by_shape: dict[tuple, list[tuple[Profile, int, CompiledList]]] = {}
        for profile in (profiles or bundled_profiles()).values():
            key = (profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], profile.apdu.invoke_id, profile.apdu.datetime)
            self._by_header.setdefault(key, []).append(profile)
            for list_no, layout in profile.lists.items():
                form = compiled(layout)
                self._by_shape.setdefault((key, form.shape), []).append((profile, list_no, form))
        self._last: dict[tuple, str] = {}

    def decode(self, frame: bytes) -> dict:
        """The canonical reading in one whole frame, with `meter` and `list`."""
        hdlc = parse_frame(frame)
        invoke_id, form, header_time, body_start = _split_apdu(hdlc.info)
        key = (hdlc.dst, hdlc.src, hdlc.control, invoke_id, form)
        candidates = self._by_header.get(key)
        if not candidates:
            raise FrameError(
                f"no profile sends addresses {hdlc.dst.hex().upper()}/{hdlc.src.hex().upper()}, control "
                f"{hdlc.control:02X}, invoke id {invoke_id.hex().upper()} with a {form} date-time"
            )
        body, end = parse_value(hdlc.info, body_start)
        if end != len(hdlc.info):
            raise FrameError(f"{len(hdlc.info) - end} bytes follow the list inside the frame")
        matches = self._matches(self._by_shape.get((key, (body[0], len(body[1]) if body[0] in (ARRAY, STRUCTURE) else -1)), ()), body)
        if not matches:
            names = ", ".join(p.name for p in candidates)
            raise FrameError(f"unknown layout: {_describe(body)} fits no list of {names}")
        profile, list_no, reading = self._choose(key, matches)
        if header_time is not None:
            reading["meter_time"] = header_time
        return {"meter": profile.name, "list": list_no, **reading}

    @staticmethod
    def _matches(lists, body: tuple) -> list[tuple[Profile, int, dict]]:
        matches = []
        for profile, list_no, form in lists:
            reading = form.match(body)
            if reading is not None and reading.get("meter_type", profile.identity.meter_type) == profile.identity.meter_type:
                matches.append((profile, list_no, reading))
        return matches

    def _choose(self, key: tuple, matches: list) -> tuple[Profile, int, dict]:
        if len(matches) > 1:
            last = self._last.get(key)
            matches = [m for m in matches if m[0].name == last] or matches
        chosen = matches[0]
        if self._remember and "meter_type" in chosen[2]:
            self._last[key] = chosen[0].name
        return chosen


@cache
def _stateless_decoder() -> FrameDecoder:
    return FrameDecoder(remember=False)


def decode_frame(frame: bytes) -> dict:
    """The canonical reading in one whole frame, against the bundled profiles, with no memory of
    earlier frames (a Kaifa or Aidon list 1 is credited to the first model of its make by name)."""
    return _stateless_decoder().decode(frame)
