"""A reader's payload read as a hostile one: bounded in size and depth, numbers finite, or a reason why not.

A reader under test may publish anything. Python's json module accepts NaN
and Infinity, turns 1e999 into inf and recurses until the interpreter gives
up; any of those would reach the checker's arithmetic. Every adapter reads
payloads through here, so what is not what the format promises becomes a
PayloadError whose text is the reason the message is judged unreadable.
"""

import json
import math
from typing import TypeGuard

__all__ = ["MAX_DEPTH", "MAX_PAYLOAD", "PayloadError", "finite", "parse_document", "parse_number"]

# A classic document is some 400 bytes and two levels deep; these leave room for any real format.
MAX_PAYLOAD = 64 * 1024
MAX_DEPTH = 16
# Larger integers cannot become a float, and no meter register comes near them.
LARGEST_INT = 2**63


class PayloadError(ValueError):
    """A payload that is not what its format promises; the message is the reason."""


def _refuse_constant(name: str):
    raise PayloadError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise PayloadError(f"{text} is too large for a number")
    return value


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > LARGEST_INT:
        raise PayloadError(f"{text[:20]}... is too large for a number")
    return value


def _depth(payload: str) -> int:
    """The deepest nesting of arrays and objects, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for char in payload:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _bounded(payload: str) -> str:
    if len(payload) > MAX_PAYLOAD:
        raise PayloadError(f"{len(payload)} characters, more than the {MAX_PAYLOAD} a message may have")
    # Counting brackets is cheap; only a payload that could be too deep is scanned.
    if payload.count("[") + payload.count("{") > MAX_DEPTH and _depth(payload) > MAX_DEPTH:
        raise PayloadError(f"nested deeper than {MAX_DEPTH} levels")
    return payload


def parse_document(payload: str):
    """The JSON value of a payload; a PayloadError naming what is wrong with it."""
    try:
        return json.loads(
            _bounded(payload), parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int
        )
    except PayloadError:
        raise
    except (ValueError, RecursionError) as error:
        raise PayloadError(f"not JSON ({str(error).splitlines()[0][:60]})") from None


def finite(value: object) -> TypeGuard[float]:
    """True for an int or float that is a real, finite number (a boolean is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_number(text: str) -> float:
    """A bare number payload as a finite float; a PayloadError for NaN, infinity or no number at all."""
    try:
        value = float(_bounded(text))
    except ValueError:
        raise PayloadError(f"not a number: {text[:40]!r}") from None
    if not math.isfinite(value):
        raise PayloadError(f"{text[:40]!r} is not a finite number")
    return value
