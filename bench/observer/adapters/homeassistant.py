"""Home Assistant MQTT discovery: config messages under homeassistant/ say which state topic and key carry what."""

import re

from ..payload import PayloadError, finite, parse_document
from .classic import CLASSIC_KEYS
from .common import Grouped, number_or_text, unreadable
from .registry import Publication, adapter

__all__ = ["HomeAssistantDiscovery"]

_TEMPLATE_KEY = re.compile(r"value_json(?:\.(\w+)|\[['\"](\w+)['\"]\])")


@adapter("homeassistant")
class HomeAssistantDiscovery(Grouped):
    """The values of the state topics the discovery configs name, in the configs' units."""

    def __init__(self, topic: str):
        super().__init__(topic)
        self._states: dict[str, list[tuple[str | None, str, float]]] = {}

    def feed(self, message: dict) -> list[Publication]:
        """Learn from a discovery config; turn a state message into values of the list being gathered."""
        if message["topic"].startswith("homeassistant/") and message["topic"].endswith("/config"):
            try:
                self._learn(message)
            except PayloadError as error:
                return [unreadable(message, message["topic"], f"discovery config: {error}")]
            return []
        done: list[Publication] = []
        for key, canonical, scale in self._states.get(message["topic"], []):
            try:
                found = self._value(message.get("payload", ""), key, canonical)
            except PayloadError as error:
                return [*done, unreadable(message, message["topic"], str(error))]
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
            return number_or_text(payload, canonical)
        document = parse_document(payload)
        return document.get(key) if isinstance(document, dict) else None
