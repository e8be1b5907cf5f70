"""Commands to a reader over MQTT, signed with its command secret when they change it."""

from .signing import SecretError, read_secret, sign_command

__all__ = ["SecretError", "read_secret", "sign_command"]
