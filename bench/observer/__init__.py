"""What the reader published: a stamping MQTT subscriber and the adapters from its formats to canonical fields.

Observer and read_messages load on first use, so a command that needs only the
payload parser (`hanbench encode`, and `decode` beside it) does not import MQTT.
"""

import importlib

__all__ = ["Observer", "read_messages"]


def __getattr__(name: str):
    """Observer or read_messages, imported from .process the first time one is asked for."""
    if name not in __all__:
        raise AttributeError(f"module 'bench.observer' has no attribute {name!r}")
    value = getattr(importlib.import_module(".process", __name__), name)
    globals()[name] = value
    return value
