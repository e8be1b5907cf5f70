"""The classic document on one topic: {"id", "up", "t", "data": {P, I1, tPI (kWh), rtc, ...}}."""

from ..payload import PayloadError, finite, parse_document
from .common import unreadable
from .registry import Publication, adapter

__all__ = ["CLASSIC_KEYS", "KILO_KEYS", "ClassicJson", "classic_value"]

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


def classic_value(key: str, value, keys: dict = CLASSIC_KEYS) -> tuple[str, object]:
    """The canonical field and value of a classic key (an energy in kWh becomes Wh)."""
    canonical = keys[key]
    if key in KILO_KEYS and finite(value):
        return canonical, value * 1000.0
    return canonical, value


def data_object(payload: str) -> dict:
    """The data object of a JSON document; a PayloadError when the document has none."""
    document = parse_document(payload)
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise PayloadError(f"data is {'missing' if data is None else type(data).__name__}")
    return data


@adapter("classic")
class ClassicJson:
    """One document per list on the reader's topic, its values exact."""

    def __init__(self, topic: str):
        self.topic = topic

    def feed(self, message: dict) -> list[Publication]:
        """A publication for a message on the reader's topic; nothing for other topics."""
        if message["topic"] != self.topic:
            return []
        if "payload" not in message:
            return [unreadable(message, message["topic"], "not UTF-8 text")]
        try:
            data = data_object(message["payload"])
        except PayloadError as error:
            return [unreadable(message, message["topic"], f"not a classic JSON document with a data object ({error})")]
        fields = dict(classic_value(key, value) for key, value in data.items() if key in CLASSIC_KEYS)
        return [Publication(message["t"], message["topic"], fields)]

    def flush(self) -> list[Publication]:
        """Nothing is held back: every message is a whole list."""
        return []
