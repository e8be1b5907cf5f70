"""From what a reader publishes to canonical readings: one adapter per output format, chosen by name.

An adapter is fed the observer's messages in arrival order and gives back
Publications: one canonical reading per list the reader published, stamped
with the arrival of the message that completed it. Adding a format is one
class with a name and a feed(), registered with @adapter.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from meter_profiles import TEXT_FIELDS

from ..errors import CheckError
from .payload import MAX_DEPTH, MAX_PAYLOAD, PayloadError, finite, parse_document, parse_number

__all__ = [
    "CLASSIC_KEYS",
    "MAX_DEPTH",
    "MAX_PAYLOAD",
    "Publication",
    "adapter",
    "adapter_names",
    "make_adapter",
    "publications",
]

# The classic document's data keys and the canonical fields they carry (energies there are in kWh / kvarh).
CLASSIC_KEYS = {
    "P": "active_power_import",
    "PO": "active_power_export",
    "Q": "reactive_power_import",
    "QO": "reactive_power_export",
    "I1": "current_l1",
    "I2": "current_l2",
    "I3": "current_l3",
    "U1": "voltage_l1",
    "U2": "voltage_l2",
    "U3": "voltage_l3",
    "tPI": "active_energy_import",
    "tPO": "active_energy_export",
    "tQI": "reactive_energy_import",
    "tQO": "reactive_energy_export",
    "lv": "list_version",
    "id": "meter_id",
    "type": "meter_type",
    "rtc": "meter_time",
}
KILO_KEYS = frozenset({"tPI", "tPO", "tQI", "tQO"})
# One topic per value, as forks of the classic firmware name them (beside the classic keys themselves).
VALUE_TOPICS = {
    "meter/import/active": "active_power_import",
    "meter/export/active": "active_power_export",
    "meter/import/reactive": "reactive_power_import",
    "meter/export/reactive": "reactive_power_export",
    "meter/l1/current": "current_l1",
    "meter/l2/current": "current_l2",
    "meter/l3/current": "current_l3",
    "meter/l1/voltage": "voltage_l1",
    "meter/l2/voltage": "voltage_l2",
    "meter/l3/voltage": "voltage_l3",
    "meter/import/active/accumulated": "active_energy_import",
    "meter/export/active/accumulated": "active_energy_export",
    "meter/import/reactive/accumulated": "reactive_energy_import",
    "meter/export/reactive/accumulated": "reactive_energy_export",
    "meter/listversion": "list_version",
    "meter/id": "meter_id",
    "meter/type": "meter_type",
    "meter/clock": "meter_time",
}


@dataclass
class Publication:
    """One list as the reader published it: arrival time, topic, canonical fields, and why it was unreadable."""

    t: float
    topic: str
    fields: dict = field(default_factory=dict)
    error: str | None = None
    index: int = 0


_ADAPTERS: dict[str, Callable[[str], "object"]] = {}


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


def _classic_value(key: str, value):
    canonical = CLASSIC_KEYS[key]
    if key in KILO_KEYS and finite(value):
        return canonical, value * 1000.0
    return canonical, value


def _number_or_text(text: str, canonical: str | None = None):
    """A value topic's payload: text for a text field, else a finite number (a PayloadError otherwise)."""
    if canonical in TEXT_FIELDS:
        return text
    return parse_number(text)


def _unreadable(message: dict, topic: str, why: str) -> Publication:
    shown = message.get("payload", message.get("payload_hex", ""))[:80]
    return Publication(message["t"], topic, error=f"{why}: {shown!r}")


def _classic_fields(payload: str) -> dict:
    """The canonical fields of a classic document; a PayloadError when it is not one."""
    document = parse_document(payload)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        found = document.get("data") if isinstance(document, dict) else None
        raise PayloadError(f"data is {'missing' if found is None else type(found).__name__}")
    return dict(_classic_value(k, v) for k, v in data.items() if k in CLASSIC_KEYS)


@adapter("classic")
class ClassicJson:
    """The classic document on one topic: {"id", "up", "t", "data": {P, I1, tPI (kWh), rtc, ...}}."""

    def __init__(self, topic: str):
        self.topic = topic

    def feed(self, message: dict) -> list[Publication]:
        """A publication for a message on the reader's topic; nothing for other topics."""
        if message["topic"] != self.topic:
            return []
        if "payload" not in message:
            return [_unreadable(message, message["topic"], "not UTF-8 text")]
        try:
            return [Publication(message["t"], message["topic"], _classic_fields(message["payload"]))]
        except PayloadError as error:
            return [_unreadable(message, message["topic"], f"not a classic JSON document with a data object ({error})")]

    def flush(self) -> list[Publication]:
        """Nothing is held back: every message is a whole list."""
        return []


class _Grouped:
    """Values that arrive one message each, grouped into lists: a list ends when a field comes again or the line goes quiet."""

    GAP_S = 0.05

    def __init__(self, topic: str):
        self.topic = topic
        self._open: Publication | None = None

    def _add(self, t: float, topic: str, canonical: str, value) -> list[Publication]:
        done = []
        if self._open and (canonical in self._open.fields or t - self._open.t > self.GAP_S):
            done = [self._open]
            self._open = None
        if self._open is None:
            self._open = Publication(t, topic)
        self._open.fields[canonical] = value
        self._open.t = t
        return done

    def flush(self) -> list[Publication]:
        """The list still being gathered when the messages ended."""
        done, self._open = ([self._open] if self._open else []), None
        return done


@adapter("values")
class OneTopicPerValue(_Grouped):
    """One topic per value under the reader's topic: TOPIC/P or TOPIC/meter/import/active, a bare number or string."""

    def feed(self, message: dict) -> list[Publication]:
        """Add a value message to the list being gathered; the list it closed, if any."""
        prefix = self.topic + "/"
        if not message["topic"].startswith(prefix):
            return []
        suffix = message["topic"][len(prefix) :]
        if suffix not in CLASSIC_KEYS and suffix not in VALUE_TOPICS:
            return []
        try:
            if suffix in CLASSIC_KEYS:
                canonical, value = _classic_value(
                    suffix, _number_or_text(message.get("payload", ""), CLASSIC_KEYS[suffix])
                )
            else:
                canonical, value = (
                    VALUE_TOPICS[suffix],
                    _number_or_text(message.get("payload", ""), VALUE_TOPICS[suffix]),
                )
        except PayloadError as error:
            return [_unreadable(message, message["topic"], str(error))]
        return self._add(message["t"], message["topic"], canonical, value)


_TEMPLATE_KEY = re.compile(r"value_json(?:\.(\w+)|\[['\"](\w+)['\"]\])")


@adapter("homeassistant")
class HomeAssistantDiscovery(_Grouped):
    """Home Assistant MQTT discovery: config messages under homeassistant/ say which state topic and key carry what."""

    def __init__(self, topic: str):
        super().__init__(topic)
        self._states: dict[str, list[tuple[str | None, str, float]]] = {}

    def feed(self, message: dict) -> list[Publication]:
        """Learn from a discovery config; turn a state message into values of the list being gathered."""
        if message["topic"].startswith("homeassistant/") and message["topic"].endswith("/config"):
            try:
                self._learn(message)
            except PayloadError as error:
                return [_unreadable(message, message["topic"], f"discovery config: {error}")]
            return []
        done: list[Publication] = []
        for key, canonical, scale in self._states.get(message["topic"], []):
            try:
                found = self._value(message.get("payload", ""), key, canonical)
            except PayloadError as error:
                return done + [_unreadable(message, message["topic"], str(error))]
            if finite(found):
                found *= scale
            if found is not None:
                done += self._add(message["t"], message["topic"], canonical, found)
        return done

    def _learn(self, message: dict) -> None:
        payload = message.get("payload", "")
        if not payload:
            return  # an empty config removes a sensor from Home Assistant: nothing to learn
        config = parse_document(payload)
        if not isinstance(config, dict) or not isinstance(config.get("state_topic"), str):
            raise PayloadError("state_topic must be a string in a JSON object")
        template = config.get("value_template", "")
        if not isinstance(template, str):
            raise PayloadError(f"value_template must be a string, not {type(template).__name__}")
        state_topic = config["state_topic"]
        match = _TEMPLATE_KEY.search(template)
        key = (match.group(1) or match.group(2)) if match else None
        name = key or message["topic"].split("/")[-2]
        canonical = CLASSIC_KEYS.get(name) or (name if name in CLASSIC_KEYS.values() else None)
        # The sensor's unit says whether energy comes in kWh (the usual) or Wh.
        scale = 1000.0 if str(config.get("unit_of_measurement", "")).lower().startswith("k") else 1.0
        if canonical:
            self._states.setdefault(state_topic, []).append((key, canonical, scale))

    @staticmethod
    def _value(payload: str, key: str | None, canonical: str):
        if key is None:
            return _number_or_text(payload, canonical)
        document = parse_document(payload)
        return document.get(key) if isinstance(document, dict) else None
