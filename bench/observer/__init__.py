"""What the reader published: a stamping MQTT subscriber and the adapters from its formats to canonical fields."""

from .process import Observer, read_messages

__all__ = ["Observer", "read_messages"]
