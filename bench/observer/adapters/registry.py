"""The adapters by name: a format registers itself, the bench picks one with --format.

An adapter is fed the observer's messages in arrival order and gives back
Publications: one canonical reading per list the reader published, stamped
with the arrival of the message that completed it. Adding a format is one
module with a class that has a name and a feed(), registered with @adapter.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ...errors import CheckError

__all__ = ["Publication", "adapter", "adapter_names", "make_adapter", "publications"]


@dataclass
class Publication:
    """One list as the reader published it: arrival time, topic, canonical fields, and why it was unreadable.

    rounding: the step (in canonical units) at which the format writes a field, where it is coarser
    than exact (two decimals of a kWh is 10 Wh). held: for a format that publishes only what changed,
    the value it last published for each field not in this message (None for a format that sends all).
    """

    t: float
    topic: str
    fields: dict = field(default_factory=dict)
    error: str | None = None
    index: int = 0
    rounding: Mapping[str, float] = field(default_factory=dict)
    held: dict | None = None


_ADAPTERS: dict[str, Callable[[str], object]] = {}


def adapter(name: str):
    """Register an adapter class under name (its constructor takes the reader's base topic)."""

    def register(cls):
        _ADAPTERS[name] = cls
        cls.name = name
        return cls

    return register


def adapter_names() -> list[str]:
    """The registered adapter names, for a --format option."""
    return sorted(_ADAPTERS)


def make_adapter(name: str, topic: str):
    """The adapter called name for a reader publishing under topic."""
    if name not in _ADAPTERS:
        raise CheckError(f"output format must be one of {', '.join(adapter_names())}, not {name!r}")
    return _ADAPTERS[name](topic)


def publications(name: str, topic: str, messages: Iterable[dict]) -> list[Publication]:
    """Every publication in the observer's messages, numbered in arrival order."""
    chosen = make_adapter(name, topic)
    found = [p for message in messages for p in chosen.feed(message)] + list(chosen.flush())
    for index, publication in enumerate(found):
        publication.index = index
    return found
