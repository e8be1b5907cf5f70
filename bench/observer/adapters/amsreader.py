"""The JSON of the field's most used reader (AmsToMqttBridge, "amsreader"), one document per list.

As its public documentation describes it: {"id", "name", "up", "t", "vcc", "rssi", "temp",
"data": {"lv", "meterId", "type", "P", "Q", "PO", "QO", "I1".."U3", "tPI".."tQO", "rtc"}}:
the classic keys with the meter id as `meterId`, the meter clock `rtc` as epoch seconds,
currents, voltages and counters (kWh) written with two decimals. The multi-topic variant
sends each payload to a sub-topic of its own, so documents one level below the reader's
topic count too; a document there without `data` (its realtime, price or status payloads)
is not a meter list and is passed over.
"""

from types import MappingProxyType

from meter_profiles import ENERGY_FIELDS

from ..payload import PayloadError, parse_document
from .classic import CLASSIC_KEYS, classic_value
from .common import unreadable
from .registry import Publication, adapter

__all__ = ["AMSREADER_KEYS", "TWO_DECIMALS", "AmsreaderJson"]

# The data keys it writes; an older release wrote the meter id as `id`, as the classic document does.
AMSREADER_KEYS = {**CLASSIC_KEYS, "meterId": "meter_id"}
# Two decimals of the unit it writes: 0.01 A and V, 0.01 kWh (10 Wh); powers are whole watts.
TWO_DECIMALS = MappingProxyType(
    {
        **{name: 1.0 for name in CLASSIC_KEYS.values() if "power" in name},
        **{name: 0.01 for name in CLASSIC_KEYS.values() if name.startswith(("current", "voltage"))},
        **{name: 10.0 for name in ENERGY_FIELDS},
    }
)


@adapter("amsreader")
class AmsreaderJson:
    """One document per list on the reader's topic or a sub-topic of it, values to two decimals."""

    def __init__(self, topic: str):
        self.topic = topic

    def _ours(self, topic: str) -> bool:
        return topic == self.topic or (topic.startswith(self.topic + "/") and "/" not in topic[len(self.topic) + 1 :])

    def feed(self, message: dict) -> list[Publication]:
        """A publication for a list document on the reader's topic or a sub-topic; nothing for other messages."""
        topic = message["topic"]
        if not self._ours(topic):
            return []
        if "payload" not in message:
            return [unreadable(message, topic, "not UTF-8 text")]
        try:
            document = parse_document(message["payload"])
            if not isinstance(document, dict):
                raise PayloadError(f"the document is a {type(document).__name__}, not an object")
            if "data" not in document:
                return []
            data = document["data"]
            if not isinstance(data, dict):
                raise PayloadError(f"data is {type(data).__name__}")
        except PayloadError as error:
            return [unreadable(message, topic, f"not an amsreader JSON document ({error})")]
        fields = dict(classic_value(key, value, AMSREADER_KEYS) for key, value in data.items() if key in AMSREADER_KEYS)
        return [Publication(message["t"], topic, fields, rounding=TWO_DECIMALS)]

    def flush(self) -> list[Publication]:
        """Nothing is held back: every message is a whole list."""
        return []
