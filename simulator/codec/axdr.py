"""A-XDR, the encoding of DLMS/COSEM data: a type tag, then the value.

Decoding walks the tags and never assumes an offset: list lengths change with
the meter-type string and the meter model, so only the tags are reliable.
A decoded value is a (tag, value) pair; arrays and structures hold a list of
such pairs.
"""

from typing import Any, TypeAlias

from .errors import FrameError

__all__ = [
    "ARRAY",
    "INTEGER_TAGS",
    "MAX_DEPTH",
    "NULL",
    "OCTET_STRING",
    "STRUCTURE",
    "STRUCT_CODES",
    "TAGS",
    "VISIBLE_STRING",
    "Node",
    "content_start",
    "encode_int",
    "encode_length",
    "encode_tree",
    "encode_value",
    "leaf_spans",
    "parse_value",
    "tag_name",
]

NULL, ARRAY, STRUCTURE = 0x00, 0x01, 0x02
MAX_DEPTH = 16
OCTET_STRING, VISIBLE_STRING = 0x09, 0x0A

# A decoded value: (tag, value). The value's type follows the tag (an int for the integers, bytes for the strings,
# a list of nodes for arrays and structures, None for null), which no static type can say of a tuple: Any.
Node: TypeAlias = tuple[int, Any]

# DLMS type name -> tag, as the profiles name them.
TAGS = {
    "null": NULL,
    "array": ARRAY,
    "structure": STRUCTURE,
    "double-long": 0x05,
    "double-long-unsigned": 0x06,
    "octet-string": OCTET_STRING,
    "visible-string": VISIBLE_STRING,
    "integer": 0x0F,
    "long": 0x10,
    "unsigned": 0x11,
    "long-unsigned": 0x12,
    "enum": 0x16,
    "date-time": OCTET_STRING,  # a COSEM date-time is an octet-string of 12
}

# Fixed-size integers: tag -> (size in bytes, signed).
_INTEGERS = {
    0x05: (4, True),
    0x06: (4, False),
    0x0F: (1, True),
    0x10: (2, True),
    0x11: (1, False),
    0x12: (2, False),
    0x16: (1, False),
}
# The tags of numbers: every fixed-size integer.
INTEGER_TAGS = frozenset(_INTEGERS)
# Each fixed-size integer's struct code (big-endian, as A-XDR sends it), for the codec's list templates.
_SIGNED_CODES = {1: "b", 2: "h", 4: "i"}
STRUCT_CODES = {
    tag: _SIGNED_CODES[size] if signed else _SIGNED_CODES[size].upper() for tag, (size, signed) in _INTEGERS.items()
}
_TAG_NAMES = {tag: name for name, tag in TAGS.items() if name != "date-time"}


def tag_name(tag: int) -> str:
    """The DLMS name of a tag, for messages."""
    return _TAG_NAMES.get(tag, f"unknown type {tag:02X}")


def _parse_length(buf: bytes, pos: int) -> tuple[int, int]:
    first = buf[pos]
    if first < 0x80:
        return first, pos + 1
    size = first & 0x7F
    if not 1 <= size <= 2:
        raise FrameError(f"A-XDR length of {size} bytes at offset {pos} is not supported")
    return int.from_bytes(buf[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def parse_value(buf: bytes, pos: int = 0, depth: int = 0) -> tuple[Node, int]:
    """Parse one A-XDR value at pos; return ((tag, value), position after it).

    A frame of two bytes per level could nest a thousand deep, past Python's
    recursion limit; no meter nests more than three, so MAX_DEPTH refuses it.
    """
    if depth > MAX_DEPTH:
        raise FrameError(f"A-XDR nested deeper than {MAX_DEPTH} levels at offset {pos}")
    try:
        tag = buf[pos]
        if tag in _INTEGERS:
            size, signed = _INTEGERS[tag]
            end = pos + 1 + size
            if end > len(buf):
                raise IndexError
            return (tag, int.from_bytes(buf[pos + 1 : end], "big", signed=signed)), end
        if tag in (OCTET_STRING, VISIBLE_STRING):
            length, start = _parse_length(buf, pos + 1)
            end = start + length
            if end > len(buf):
                raise IndexError
            return (tag, bytes(buf[start:end])), end
        if tag in (STRUCTURE, ARRAY):
            count, pos = _parse_length(buf, pos + 1)
            items: list[Node] = []
            for _ in range(count):
                # Numbers, the commonest item, are read here rather than by a call per item.
                size_signed = _INTEGERS.get(buf[pos])
                if size_signed is None:
                    item, pos = parse_value(buf, pos, depth + 1)
                else:
                    end = pos + 1 + size_signed[0]
                    if end > len(buf):
                        raise IndexError
                    item = (buf[pos], int.from_bytes(buf[pos + 1 : end], "big", signed=size_signed[1]))
                    pos = end
                items.append(item)
            return (tag, items), pos
        if tag == NULL:
            return (NULL, None), pos + 1
    except IndexError:
        raise FrameError(f"A-XDR data ends inside a value that starts at offset {pos}") from None
    raise FrameError(f"unknown A-XDR type tag {tag:02X} at offset {pos}")


def leaf_spans(buf: bytes, pos: int) -> list[tuple[int, int, int]]:
    """(tag, start, end) of the content of every leaf value in the value at pos, depth first.

    What lies between the spans (tags, lengths, element counts) is the value's framing. For a value
    parse_value has read already: it checks nothing.
    """
    spans: list[tuple[int, int, int]] = []
    pending = 1  # values still to walk at this point of the tree
    while pending:
        pending -= 1
        tag = buf[pos]
        if tag in (STRUCTURE, ARRAY):
            count, pos = _parse_length(buf, pos + 1)
            pending += count
            continue
        if tag in _INTEGERS:
            start, pos = pos + 1, pos + 1 + _INTEGERS[tag][0]
        elif tag == NULL:
            start = pos = pos + 1
        else:
            length, start = _parse_length(buf, pos + 1)
            pos = start + length
        spans.append((tag, start, pos))
    return spans


def encode_length(length: int) -> bytes:
    """An A-XDR length or element count."""
    if length < 0x80:
        return bytes((length,))
    if length <= 0xFF:
        return bytes((0x81, length))
    return bytes((0x82,)) + length.to_bytes(2, "big")


def encode_int(tag: int, value: int) -> bytes:
    """A fixed-size integer with its tag."""
    size, signed = _INTEGERS[tag]
    try:
        return bytes((tag,)) + value.to_bytes(size, "big", signed=signed)
    except OverflowError:
        raise FrameError(f"{value} does not fit a {tag_name(tag)} ({size} bytes)") from None


def encode_value(type_name: str, value: int | str | bytes | None) -> bytes:
    """One leaf value with its tag; strings as bytes or str, numbers as int."""
    tag = TAGS[type_name]
    if tag in _INTEGERS and isinstance(value, int | str):
        return encode_int(tag, int(value))
    if tag in (OCTET_STRING, VISIBLE_STRING) and value is not None:
        raw = value.encode("ascii") if isinstance(value, str) else bytes(value)
        return bytes((tag,)) + encode_length(len(raw)) + raw
    if tag == NULL:
        return b"\x00"
    raise FrameError(f"cannot encode a {type_name} as a leaf value")


def content_start(buf: bytes, pos: int, what: str) -> int:
    """Where the content after an A-XDR length at `pos` starts, checking that it runs exactly to the end of `buf`.

    For APDUs that wrap others (ciphered, block transfer): their last field is one counted octet string.
    """
    try:
        length, start = _parse_length(buf, pos)
    except IndexError:
        raise FrameError(f"{what}: it ends inside its length field") from None
    if start + length != len(buf):
        raise FrameError(f"{what}: the length field says {length} bytes but {len(buf) - start} follow")
    return start


def encode_tree(node: Node) -> bytes:
    """A parsed (tag, value) tree back to its bytes: parse_value's inverse."""
    tag, value = node
    if tag in (STRUCTURE, ARRAY):
        return bytes((tag,)) + encode_length(len(value)) + b"".join(map(encode_tree, value))
    if tag in (OCTET_STRING, VISIBLE_STRING):
        content: bytes = value
        return bytes((tag,)) + encode_length(len(content)) + content
    if tag == NULL:
        return b"\x00"
    return encode_int(tag, int(value))
