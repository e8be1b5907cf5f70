"""Frames of models no profile describes, built from the bundled profiles.

Each bundled list is encoded from a sample reading, then changed the ways real
meters differ: another meter type, another list version, an extra OBIS code, a
missing one, two pairs swapped. Each variant carries what a correct decoder
reads from it, so the Python decoder and the firmware can both be held to it.
"""

from dataclasses import dataclass

from meter_profiles import bundled_profiles
from simulator.codec import build_frame, decode_frame, encode_frame, parse_frame
from simulator.codec.apdu import read_notification
from simulator.codec.axdr import ARRAY, STRUCTURE, encode_tree, parse_value
from simulator.codec.lists import scale

__all__ = ["EXTRA_OBIS", "Variant", "extra_obis_frame", "sample_reading", "variants"]

# Power factor, an OBIS code no canonical field has: 1.1.13.7.0.255.
EXTRA_OBIS = bytes((1, 1, 13, 7, 0, 255))
_U16 = 0x12


@dataclass(frozen=True)
class Variant:
    """One frame, its name, and the meter name and reading a correct decoder gives for it."""

    name: str
    frame: bytes
    meter: str
    reading: dict


def sample_reading(profile, list_no: int) -> dict:
    """A plausible reading: the profile's identity strings, a clock, and distinct mid-range registers."""
    reading = {**profile.identity.model_dump(), "meter_time": "2026-11-23T12:00:10"}
    for index, item in enumerate(profile.lists[list_no].items):
        if item.field and item.field not in reading:
            reading[item.field] = scale(2300 + 7 * index, item.scaler)
    return reading


def _rebuilt(frame: bytes, change) -> bytes:
    """The frame with its list body changed by change(tag, children) -> children."""
    hdlc = parse_frame(frame)
    start = read_notification(hdlc.info).body_start
    (tag, children), _ = parse_value(hdlc.info, start)
    body = encode_tree((tag, change(tag, list(children))))
    return build_frame(hdlc.dst, hdlc.src, hdlc.control, hdlc.info[:start] + body)


def _extra(tag: int, children: list) -> list:
    if tag == ARRAY:
        scaler_unit = (STRUCTURE, [(0x0F, -3), (0x16, 255)])
        return [*children, (STRUCTURE, [(0x09, EXTRA_OBIS), (_U16, 950), scaler_unit])]
    return [*children, (0x09, EXTRA_OBIS), (_U16, 950)]


def extra_obis_frame(frame: bytes) -> bytes:
    """The frame with a power-factor OBIS code (no canonical field) added at the end of its list."""
    return _rebuilt(frame, _extra)


def _obis_at(children: list, tag: int, index: int) -> int:
    """Where the index-th OBIS item (pair or structure) starts."""
    return index if tag == ARRAY else len(children) % 2 + 2 * index


def _drop_last(tag: int, children: list) -> list:
    return children[:-1] if tag == ARRAY else children[:-2]


def _swap_first_two(tag: int, children: list) -> list:
    a, b = _obis_at(children, tag, 0), _obis_at(children, tag, 1)
    width = 1 if tag == ARRAY else 2
    swapped = list(children)
    swapped[a : a + width], swapped[b : b + width] = children[b : b + width], children[a : a + width]
    return swapped


def _obis_variants(profile, list_no: int, frame: bytes, decoded: dict) -> list[Variant]:
    unknown = f"{profile.make}-unknown"
    last_field = profile.lists[list_no].items[-1].field
    extra_value = 0.95 if profile.lists[list_no].layout == "obis-structs" else 950
    fewer = {k: v for k, v in decoded.items() if k != last_field}
    base = f"{profile.name}-l{list_no}"
    made = [
        Variant(
            f"{base}-extra-obis",
            _rebuilt(frame, _extra),
            unknown,
            {**decoded, "extra": {"1.1.13.7.0.255": extra_value}},
        ),
        Variant(f"{base}-reordered", _rebuilt(frame, _swap_first_two), unknown, decoded),
    ]
    if len(profile.lists[list_no].items) > 2 and last_field not in ("meter_type", "meter_id"):
        made.append(Variant(f"{base}-missing-obis", _rebuilt(frame, _drop_last), unknown, fewer))
    return made


def _list_variants(profile, list_no: int) -> list[Variant]:
    reading = sample_reading(profile, list_no)
    fields = profile.lists[list_no].fields
    frame = encode_frame(profile, list_no, reading)
    decoded = {k: v for k, v in decode_frame(frame).items() if k not in ("meter", "list")}
    base = f"{profile.name}-l{list_no}"
    made = []
    if "meter_type" in fields:
        other = {**reading, "meter_type": reading["meter_type"][:-1] + "9"}
        made.append(
            Variant(
                f"{base}-other-type",
                encode_frame(profile, list_no, other),
                f"{profile.make}-unknown",
                {**decoded, "meter_type": other["meter_type"]},
            )
        )
    if "list_version" in fields:
        other = {**reading, "list_version": reading["list_version"][:-1] + "9"}
        made.append(
            Variant(
                f"{base}-other-version",
                encode_frame(profile, list_no, other),
                profile.name,
                {**decoded, "list_version": other["list_version"]},
            )
        )
    if profile.lists[list_no].layout != "positional" and len(profile.lists[list_no].items) > 1:
        made += _obis_variants(profile, list_no, frame, decoded)
    return made


def variants() -> list[Variant]:
    """Every variant of every list of every bundled profile."""
    return [
        v
        for profile in bundled_profiles().values()
        for list_no in sorted(profile.lists)
        for v in _list_variants(profile, list_no)
    ]
