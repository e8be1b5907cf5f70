"""What the reader published: a stamping MQTT subscriber and the adapters from its formats to canonical fields.

Observer and read_messages load on first use, so a command that needs only the
payload parser (`hanbench encode`, and `decode` beside it) does not import MQTT.
"""

from ..lazy import lazy_exports

_HOMES = {"Observer": ".process", "read_messages": ".process"}
__all__ = sorted(_HOMES)
__getattr__ = lazy_exports(__name__, globals(), _HOMES)
