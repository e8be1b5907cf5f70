"""One topic per value under the reader's topic: TOPIC/P or TOPIC/meter/import/active, a bare number or string."""

from ..payload import PayloadError
from .classic import CLASSIC_KEYS, classic_value
from .common import Grouped, number_or_text, unreadable
from .registry import Publication, adapter

__all__ = ["VALUE_TOPICS", "OneTopicPerValue", "topic_value"]

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
    "meter/dlms/version": "list_version",
    "meter/id": "meter_id",
    "meter/type": "meter_type",
    "meter/clock": "meter_time",
}
# The accumulated counters are in kWh / kvarh on these topics, as in the classic document.
KILO_TOPICS = frozenset(suffix for suffix in VALUE_TOPICS if suffix.endswith("/accumulated"))


def topic_value(suffix: str, text: str) -> tuple[str, object]:
    """The canonical field and value a value topic's payload carries; a PayloadError when it is no value."""
    if suffix in CLASSIC_KEYS:
        return classic_value(suffix, number_or_text(text, CLASSIC_KEYS[suffix]))
    canonical = VALUE_TOPICS[suffix]
    value = number_or_text(text, canonical)
    return canonical, value * 1000.0 if suffix in KILO_TOPICS else value


@adapter("values")
class OneTopicPerValue(Grouped):
    """Every value of every list on a topic of its own, exact; a list is the values that arrive together."""

    def feed(self, message: dict) -> list[Publication]:
        """Add a value message to the list being gathered; the list it closed, if any."""
        prefix = self.topic + "/"
        if not message["topic"].startswith(prefix):
            return []
        suffix = message["topic"][len(prefix) :]
        if suffix not in CLASSIC_KEYS and suffix not in VALUE_TOPICS:
            return []
        try:
            canonical, value = self.value(suffix, message.get("payload", ""))
        except PayloadError as error:
            return [unreadable(message, message["topic"], str(error))]
        return self._add(message["t"], message["topic"], canonical, value)

    def value(self, suffix: str, text: str) -> tuple[str, object]:
        """The canonical field and value of one message (a format with other units overrides this)."""
        return topic_value(suffix, text)
