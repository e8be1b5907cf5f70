"""What several formats share: reading a bare value, naming an unreadable message, gathering values into lists."""

from collections.abc import Mapping
from types import MappingProxyType

from meter_profiles import TEXT_FIELDS

from ..payload import parse_number
from .registry import Publication

__all__ = ["Grouped", "number_or_text", "unreadable"]


def number_or_text(text: str, canonical: str | None = None):
    """A value topic's payload: text for a text field, else a finite number (a PayloadError otherwise)."""
    if canonical in TEXT_FIELDS:
        return text
    return parse_number(text)


def unreadable(message: dict, topic: str, why: str) -> Publication:
    """A publication that is the reason a message could not be read, with the start of what came."""
    shown = message.get("payload", message.get("payload_hex", ""))[:80]
    return Publication(message["t"], topic, error=f"{why}: {shown!r}")


class Grouped:
    """Values that arrive one message each, grouped into lists: a list ends when a field comes again or the line goes quiet.

    A format that publishes only what changed (on_change) keeps what it last published of every
    field, so each list carries, as held, the values a consumer of the format still holds.
    """

    GAP_S = 0.05
    on_change = False
    rounding: Mapping[str, float] = MappingProxyType({})

    def __init__(self, topic: str):
        self.topic = topic
        self._open: Publication | None = None
        self._state: dict = {}

    def _add(self, t: float, topic: str, canonical: str, value) -> list[Publication]:
        done: list[Publication] = []
        if self._open and (canonical in self._open.fields or t - self._open.t > self.GAP_S):
            done = [self._close(self._open)]
        if self._open is None:
            self._open = Publication(t, topic, rounding=self.rounding)
        self._open.fields[canonical] = value
        self._open.t = t
        return done

    def _close(self, closed: Publication) -> Publication:
        """The list being gathered (`closed`, the open one), ended: none is open after it."""
        self._open = None
        if self.on_change:
            closed.held = {name: value for name, value in self._state.items() if name not in closed.fields}
            self._state.update(closed.fields)
        return closed

    def flush(self) -> list[Publication]:
        """The list still being gathered when the messages ended."""
        return [self._close(self._open)] if self._open else []
