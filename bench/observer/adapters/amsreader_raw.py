"""The per-topic values of the field's most used reader (amsreader's "Raw"), which may send only what changed.

As its public documentation describes it: one topic per value under the reader's topic
(TOPIC/meter/import/active in W, TOPIC/meter/l1/current, TOPIC/meter/import/active/accumulated
in kWh, TOPIC/meter/id, TOPIC/meter/clock in epoch seconds, ...), numbers with two decimals.
Its "minimal" setting publishes a value only when it changed: a value left out stands as the
reader last published it, and a list that changed nothing may send no message at all.
"""

from ..payload import parse_number
from .amsreader import TWO_DECIMALS
from .registry import adapter
from .values import OneTopicPerValue, topic_value

__all__ = ["AmsreaderRaw"]


@adapter("amsreader-raw")
class AmsreaderRaw(OneTopicPerValue):
    """One topic per value, two decimals, the meter clock in epoch seconds, published on change (or always)."""

    on_change = True
    rounding = TWO_DECIMALS
    # A list split in two by a stall on the way is read as two lists, and the first then lacks values an
    # on-change reader sends only once: a wider quiet gap than the others', still short of any meter's lists.
    GAP_S = 0.09

    def value(self, suffix: str, text: str) -> tuple[str, object]:
        """The canonical field and value of one message; the clock is a number of seconds here."""
        if suffix == "meter/clock":
            return "meter_time", parse_number(text)
        return topic_value(suffix, text)
