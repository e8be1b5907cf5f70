"""The open-world layer: any plaintext push list read by its structure, with no profile.

OBIS-value pairs (Kamstrup), {OBIS, value[, {scaler, unit}]} structures
(Aidon) and Kaifa's positional lists by their shape give the canonical fields
of generic.toml; every other OBIS code lands under `extra`, keyed by its code.
A profile match, when there is one, sits on top of this layer and only names
the model; a frame no profile knows is still read.
"""

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from meter_profiles import ENERGY_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS
from meter_profiles.datafiles import read_toml

from .axdr import ARRAY, INTEGER_TAGS, NULL, OCTET_STRING, STRUCTURE, VISIBLE_STRING, Node, tag_name
from .cosem import decode_datetime, obis_text
from .errors import FrameError
from .lists import extra_text, scale

__all__ = ["MAKES", "GenericItem", "GenericList", "field_of_obis", "list_number", "read_list"]

_DATA = read_toml(Path(__file__).with_name("generic.toml"), FrameError, "the generic layer's table")
_OBIS_FIELDS: dict[str, str] = _DATA["obis"]
MAKES: dict[str, dict[str, Any]] = _DATA["makes"]
_POSITIONAL = _DATA["positional"]
_STRINGS = (OCTET_STRING, VISIBLE_STRING)
_INTEGER, _ENUM = 0x0F, 0x16
_POWER_ONLY = frozenset(("active_power_import", "meter_time"))
_NUMERIC = NUMERIC_FIELDS


class GenericItem(NamedTuple):
    """One value of a list as sent: its OBIS code (None in a positional list), tag, raw value and scaling."""

    obis: str | None
    tag: int
    raw: Any  # an int, bytes or None, as its tag says (see axdr.Node)
    field: str | None
    scaler: int | None = None  # from the frame (Aidon); None when the frame carries none
    unit_code: int | None = None
    placeholder: bool = False


class GenericList(NamedTuple):
    """A list read without a profile: the make it looks like, its layout and items, and the reading."""

    make: str
    layout: str
    items: tuple[GenericItem, ...]
    reading: dict[str, Any]
    list_no: int


def field_of_obis(code: str) -> str | None:
    """The canonical field of an OBIS code written A.B.C.D.E.F, or None."""
    a, _b, c, d, e, _f = code.split(".")
    return _OBIS_FIELDS.get(f"{a}.{c}.{d}.{e}")


@cache
def _code_and_field(raw: bytes) -> tuple[str, str | None]:
    # A meter sends the same few codes in every frame: each is written out and looked up once.
    code = obis_text(raw)
    return code, field_of_obis(code)


def _is_obis(value: Node) -> bool:
    return value[0] == OCTET_STRING and len(value[1]) == 6


def _make_of(version: object) -> str | None:
    if isinstance(version, bytes):
        text = version.decode("latin-1")
        for make, facts in MAKES.items():
            if text.startswith(facts["list_version_prefix"]):
                return make
    return None


def _obis_item(key: bytes, value: Node, scaler: int | None = None, unit_code: int | None = None) -> GenericItem:
    if value[0] in (ARRAY, STRUCTURE):
        raise FrameError(f"OBIS {obis_text(key)} holds {tag_name(value[0])}, not a value")
    code, field = _code_and_field(key)
    return GenericItem(code, value[0], value[1], field, scaler, unit_code)


def _pair_items(children: list[Node]) -> list[GenericItem]:
    """Kamstrup: an optional list version, then OBIS code and value, pair after pair; null pairs are placeholders."""
    items = []
    start = len(children) % 2
    if start:
        items.append(GenericItem(None, children[0][0], children[0][1], "list_version"))
    for index in range(start, len(children), 2):
        (key_tag, key), (tag, value) = children[index], children[index + 1]
        if key_tag == OCTET_STRING and len(key) == 6 and tag != ARRAY and tag != STRUCTURE:
            code, field = _code_and_field(key)
            items.append(GenericItem(code, tag, value, field))
        elif key_tag == NULL and tag == NULL:
            items.append(GenericItem(None, NULL, None, None, placeholder=True))
        elif key_tag == OCTET_STRING and len(key) == 6:
            raise FrameError(f"OBIS {obis_text(key)} holds {tag_name(tag)}, not a value")
        else:
            raise FrameError(
                f"item {index} of the list: expected an OBIS code (09 06 ...) or a null pair, not {tag_name(key_tag)}"
            )
    return items


def _struct_items(children: list[Node]) -> list[GenericItem]:
    """Aidon: {OBIS, value} or {OBIS, value, {scaler, unit}} structures."""
    items = []
    for index, (tag, parts) in enumerate(children):
        if tag != STRUCTURE or len(parts) not in (2, 3) or not _is_obis(parts[0]):
            raise FrameError(f"item {index} of the array: expected a structure of an OBIS code and a value")
        scaler = unit = None
        if len(parts) == 3:
            tag3, scaler_unit = parts[2]
            if (
                tag3 != STRUCTURE
                or len(scaler_unit) != 2
                or scaler_unit[0][0] != _INTEGER
                or scaler_unit[1][0] != _ENUM
            ):
                raise FrameError(f"item {index} of the array: its third part must be {{scaler, unit}}")
            scaler, unit = scaler_unit[0][1], scaler_unit[1][1]
        items.append(_obis_item(parts[0][1], parts[1], scaler, unit))
    return items


def _positional_items(children: list[Node]) -> list[GenericItem]:
    """Kaifa: strings, numbers, then on the hourly list the clock and the energy counters, named by their count.

    A list of another shape keeps its values under `extra`, keyed by position.
    """
    strings = 0
    while strings < min(3, len(children)) and children[strings][0] in _STRINGS:
        strings += 1
    rest = children[strings:]
    clock = next((i for i, c in enumerate(rest) if c[0] == OCTET_STRING and len(c[1]) == 12), len(rest))
    numbers, energies = rest[:clock], rest[clock + 1 :]
    names = _POSITIONAL["numbers"].get(str(len(numbers)))
    integers = all(c[0] not in _STRINGS and c[0] != NULL for c in (*numbers, *energies))
    if names is None or not integers or len(energies) != (4 if clock < len(rest) else 0):
        return [GenericItem(None, tag, value, None) for tag, value in children]
    fields = [*_POSITIONAL["strings"][:strings], *names]
    if clock < len(rest):
        fields += ["meter_time", *_POSITIONAL["energies"]]
    return [GenericItem(None, tag, value, field) for field, (tag, value) in zip(fields, children, strict=False)]


def _layout_of(children: list[Node]) -> str:
    """obis-pairs if an OBIS code opens the first pair, else positional."""
    start = len(children) % 2
    return "obis-pairs" if len(children) > start and _is_obis(children[start]) else "positional"


def _value(item: GenericItem, scaler: int) -> object:
    if item.tag in _STRINGS:
        raw: bytes = item.raw
        if item.field == "meter_time":
            return decode_datetime(raw)
        return raw.decode("latin-1") if item.field is not None else extra_text(item.tag, raw)
    if item.tag == NULL:
        return None
    return scale(item.raw, scaler)


def _fits(item: GenericItem) -> bool:
    """Whether the item's type suits its canonical field (text for text, a number for a number)."""
    if item.field is None:
        return False
    if item.field == "meter_time":
        return item.tag == OCTET_STRING and len(item.raw) == 12
    return (item.tag in _STRINGS) == (item.field in TEXT_FIELDS)


def _reading(items: list[GenericItem], make: str) -> dict[str, Any]:
    scalers = MAKES[make]["scalers"]
    reading: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for index, item in enumerate(items):
        _obis, tag, raw, field, scaler, _unit, _placeholder = item
        if tag in INTEGER_TAGS and field in _NUMERIC and field not in reading:  # the common item, first
            reading[field] = scale(raw, scaler if scaler is not None else scalers.get(field, 0))
            continue
        if item.placeholder:
            continue
        if item.field is not None and _fits(item) and item.field not in reading:
            reading[item.field] = _value(item, item.scaler if item.scaler is not None else scalers.get(item.field, 0))
        else:
            extra[item.obis or f"item {index}"] = _value(item, item.scaler or 0)
    if extra:
        reading["extra"] = extra
    return reading


def list_number(reading: dict[str, Any]) -> int:
    """3 with energy counters, 1 with active power import alone, else 2 (as the readers number them)."""
    if not ENERGY_FIELDS.isdisjoint(reading):
        return 3
    return 1 if set(reading) - {"extra"} <= _POWER_ONLY else 2


def read_list(body: Node) -> GenericList:
    """The items and canonical reading of a list body (a parsed A-XDR tree), with no profile."""
    tag, children = body
    if tag == ARRAY and children:
        layout, items = "obis-structs", _struct_items(children)
    elif tag == STRUCTURE and children:
        version_make = _make_of(children[0][1]) if children[0][0] in _STRINGS else None
        layout = MAKES[version_make]["layout"] if version_make else _layout_of(children)
        items = _pair_items(children) if layout == "obis-pairs" else _positional_items(children)
    else:
        raise FrameError(f"the list must be a structure or an array of values, not {tag_name(tag)}")
    reading_make = next((m for m, facts in MAKES.items() if facts["layout"] == layout), "kaifa")
    listed = next((i for i in items if i.field == "list_version"), None)
    make = (_make_of(listed.raw) if listed else None) or reading_make
    reading = _reading(items, make)
    return GenericList(make, layout, tuple(items), reading, list_number(reading))
