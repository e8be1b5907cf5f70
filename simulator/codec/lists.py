"""The body of a list, both ways, for the three layouts the makes use.

positional (Kaifa): a structure of bare values. obis-pairs (Kamstrup): a
structure of OBIS code then value, pair after pair, with null pairs standing
in for missing phases. obis-structs (Aidon): an array of {OBIS, value} or
{OBIS, value, {scaler, unit}} structures.

Decoding matches a parsed A-XDR tree against a layout item by item, by tag:
a tree that does not fit returns None, so the caller can try the next layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .axdr import ARRAY, NULL, STRUCTURE, TAGS, Node, encode_int, encode_length, encode_value
from .cosem import UNIT_CODES, decode_datetime, encode_datetime, obis_bytes
from .errors import FrameError

if TYPE_CHECKING:  # the profile schema is pydantic: decoding a frame never needs it loaded
    from collections.abc import Iterable

    from meter_profiles.schema import ClockSettings, ListItem, ListLayout

__all__ = ["CompiledList", "compiled", "extra_text", "scale", "text_value", "unscale"]

_OCTET_STRING = TAGS["octet-string"]
_STRUCT2 = bytes((STRUCTURE, 2))
_STRUCT3 = bytes((STRUCTURE, 3))
_NULL_PAIR = bytes((NULL, NULL))


def scale(raw: int, scaler: int) -> int | float:
    """A raw register value in SI units: raw * 10**scaler, exact for whole results."""
    # 10**scaler of an int is typed Any (a negative power is a float): the annotated names say which it is here.
    if scaler >= 0:
        whole: int = raw * 10**scaler
        return whole
    fraction: float = raw / 10**-scaler
    return fraction


def unscale(value: float, scaler: int) -> int:
    """The raw register value that scale() turns into value."""
    factor: int = 10 ** abs(scaler)
    return round(value / factor) if scaler >= 0 else round(value * factor)


@dataclass(frozen=True)
class _Item:
    field: str  # a reading's field, an extra value's OBIS code, or "" for a placeholder
    tag: int
    kind: str  # "number", "text", "time" or "null"
    obis: bytes | None
    scaler: int
    unit_code: int | None
    default: object = None  # an extra value's, sent when the reading's `extra` lacks it

    def as_row(self) -> list[Any]:
        """The item as plain data (the OBIS code in hex), for the decode table's cache."""
        obis = self.obis.hex() if self.obis is not None else None
        return [self.field, self.tag, self.kind, obis, self.scaler, self.unit_code, self.default]

    @classmethod
    def from_row(cls, row: list[Any]) -> _Item:
        """as_row's inverse."""
        field, tag, kind, obis, scaler, unit_code, default = row
        return cls(field, tag, kind, bytes.fromhex(obis) if obis is not None else None, scaler, unit_code, default)


def _compile_item(item: ListItem) -> _Item:
    if item.placeholder:
        kind = "null"
    elif item.field is None:
        kind = "extra-text" if item.type in ("octet-string", "visible-string") else "extra-number"
    elif item.type == "date-time":
        kind = "time"
    elif item.type in ("octet-string", "visible-string"):
        kind = "text"
    else:
        kind = "number"
    return _Item(
        field=item.field or ("" if item.placeholder else item.obis or ""),  # an extra value is keyed by its code
        tag=TAGS[item.type],
        kind=kind,
        obis=obis_bytes(item.obis) if item.obis else None,
        scaler=item.scaler,
        unit_code=UNIT_CODES[item.unit] if item.unit else item.unit_code,
        default=item.value,
    )


class CompiledList:
    """One list layout prepared for fast encoding and matching."""

    def __init__(self, layout: str, items: tuple[_Item, ...]) -> None:
        self.layout = layout
        self.items = items
        self.element_count = sum(1 if item.obis is None else 2 for item in self.items)
        # The outer tag and element count of this list's body: a cheap first sieve.
        if self.layout == "obis-structs":
            self.shape = (ARRAY, len(self.items))
        else:
            self.shape = (STRUCTURE, self.element_count if self.layout == "obis-pairs" else len(self.items))
        self.header = bytes((self.shape[0],)) + encode_length(self.shape[1])  # a body's tag and element count
        self._framing = tuple(self._framing_of(item) for item in self.items)

    @classmethod
    def of(cls, layout: ListLayout) -> CompiledList:
        """A profile's list layout, compiled."""
        return cls(layout.layout, tuple(_compile_item(item) for item in layout.items))

    def as_data(self) -> list[Any]:
        """The compiled list as plain data, for the decode table's cache."""
        return [self.layout, [item.as_row() for item in self.items]]

    @classmethod
    def from_data(cls, data: list[Any]) -> CompiledList:
        """as_data's inverse."""
        layout, rows = data
        return cls(layout, tuple(_Item.from_row(row) for row in rows))

    # -- encoding -----------------------------------------------------------

    def encode(self, reading: dict[str, Any], clock: ClockSettings) -> bytes:
        """The A-XDR body of this list for a reading."""
        parts = [
            prefix if null else prefix + self._value(item, reading, clock) + suffix
            for item, (prefix, suffix, null) in zip(self.items, self._framing, strict=True)
        ]
        return self.header + b"".join(parts)

    def framed_items(self) -> tuple[tuple[_Item, tuple[bytes, bytes, bool]], ...]:
        """Each item with what goes before and after its value and whether it has none (see encoder.py)."""
        return tuple(zip(self.items, self._framing, strict=True))

    def _framing_of(self, item: _Item) -> tuple[bytes, bytes, bool]:
        """What goes before and after an item's value, and whether it has none: the same in every frame."""
        if self.layout == "positional":
            return b"", b"", False
        if self.layout == "obis-pairs":
            if item.kind == "null":
                return _NULL_PAIR, b"", True
            return (b"" if item.obis is None else _obis_value(item.obis)), b"", False
        assert item.obis is not None, "every item of an obis-structs list has its OBIS code (the schema checks)"
        if item.unit_code is None:
            return _STRUCT2 + _obis_value(item.obis), b"", False
        scaler_unit = bytes((STRUCTURE, 2, 0x0F, item.scaler & 0xFF, 0x16, item.unit_code))
        return _STRUCT3 + _obis_value(item.obis), scaler_unit, False

    @staticmethod
    def _value(item: _Item, reading: dict[str, Any], clock: ClockSettings) -> bytes:
        if item.kind.startswith("extra"):
            value = reading.get("extra", {}).get(item.field, item.default)
        else:
            try:
                value = reading[item.field]
            except KeyError:
                raise FrameError(f"reading has no {item.field}, which this list sends") from None
        if item.kind in ("number", "extra-number"):
            try:
                return encode_int(item.tag, unscale(value, item.scaler))
            except FrameError as error:
                raise FrameError(f"{item.field} = {value}: {error}") from None
        if item.kind == "time":
            return b"\x09\x0c" + encode_datetime(value, clock)
        return text_value(item.tag, value)

    # -- matching -----------------------------------------------------------

    def leaf_items(self) -> list[_Item | None]:
        """For each leaf value of a body of this list, in order: the item whose value it is, or None for
        the leaves that frame the values (OBIS codes, null placeholders, scaler-unit pairs)."""
        leaves: list[_Item | None] = []
        for item in self.items:
            if item.kind == "null":
                leaves += [None, None] if self.layout == "obis-pairs" else [None]
                continue
            if item.obis is not None:
                leaves.append(None)
            leaves.append(item)
            if self.layout == "obis-structs" and item.unit_code is not None:
                leaves += [None, None]
        return leaves

    def match(self, body: Node) -> dict[str, Any] | None:
        """The reading in a parsed body, or None if the body is not this layout."""
        tag, children = body
        if self.layout == "obis-structs":
            if tag != ARRAY or len(children) != len(self.items):
                return None
            return self._match_structs(children)
        if tag != STRUCTURE:
            return None
        if self.layout == "positional":
            if len(children) != len(self.items):
                return None
            return self._match_values(self.items, children)
        if len(children) != self.element_count:
            return None
        return self._match_pairs(children)

    def _match_values(self, items: Iterable[_Item], values: Iterable[Node]) -> dict[str, Any] | None:
        reading: dict[str, Any] = {}
        for item, (tag, value) in zip(items, values, strict=True):
            if tag != item.tag:
                return None
            if item.kind == "number":
                reading[item.field] = scale(value, item.scaler)
            elif item.kind.startswith("extra"):
                extra = reading.setdefault("extra", {})
                extra[item.field] = scale(value, item.scaler) if item.kind == "extra-number" else extra_text(tag, value)
            elif item.kind == "text":
                reading[item.field] = value.decode("latin-1")
            elif len(value) == 12:
                reading[item.field] = decode_datetime(value)
            else:
                return None
        return reading

    def _match_pairs(self, children: list[Node]) -> dict[str, Any] | None:
        values: list[Node] = []
        matched: list[_Item] = []
        pos = 0
        for item in self.items:
            if item.kind == "null":
                if children[pos][0] != NULL or children[pos + 1][0] != NULL:
                    return None
                pos += 2
                continue
            if item.obis is not None:
                if children[pos] != (_OCTET_STRING, item.obis):
                    return None
                pos += 1
            values.append(children[pos])
            matched.append(item)
            pos += 1
        return self._match_values(matched, values)

    def _match_structs(self, children: list[Node]) -> dict[str, Any] | None:
        values: list[Node] = []
        for item, (tag, parts) in zip(self.items, children, strict=True):
            if tag != STRUCTURE or parts[0] != (_OCTET_STRING, item.obis):
                return None
            if item.unit_code is None:
                if len(parts) != 2:
                    return None
            elif len(parts) != 3 or parts[2] != (STRUCTURE, [(0x0F, item.scaler), (0x16, item.unit_code)]):
                return None
            values.append(parts[1])
        return self._match_values(self.items, values)


def extra_text(tag: int, raw: bytes) -> str:
    """An extra string value as a decoded frame shows it: text if it reads as text, else its bytes in hex."""
    if tag == _OCTET_STRING and not all(32 <= b < 127 for b in raw):
        return raw.hex().upper()
    return raw.decode("latin-1")


@lru_cache(maxsize=64)
def text_value(tag: int, text: str) -> bytes:
    """A text item's tag, length and bytes."""
    # A meter's identity strings are the same in every list that carries them: encoded once.
    return encode_value("octet-string" if tag == _OCTET_STRING else "visible-string", text.encode("latin-1"))


def _obis_value(obis: bytes) -> bytes:
    return b"\x09\x06" + obis


_COMPILED: dict[int, tuple[ListLayout, CompiledList]] = {}


def compiled(layout: ListLayout) -> CompiledList:
    """The compiled form of a layout, made once per layout object."""
    entry = _COMPILED.get(id(layout))
    if entry is None or entry[0] is not layout:
        entry = (layout, CompiledList.of(layout))
        _COMPILED[id(layout)] = entry
    return entry[1]
