"""Meter keys from a keys file: secrets kept out of profiles, argv, logs and reports.

    # one table per meter profile; [default] serves any other meter (chmod 600 this file)
    [kamstrup-omnipower-dk]
    encryption_key = "000102030405060708090A0B0C0D0E0F"
    authentication_key = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"

A key on the command line shows in `ps` and the shell's history, so the
commands take a file (or the environment variable naming it) instead.
Errors name the file, the table and the field, never the key's text.
"""

import os
from pathlib import Path

from .codec.security import KeyRing, Keys

__all__ = ["KEYS_FILE_ENV", "KeysError", "load_keys", "parse_keys"]

KEYS_FILE_ENV = "HANBENCH_KEYS_FILE"


class KeysError(ValueError):
    """A keys file that cannot be read, or a key that is not 16 bytes of hex."""


def _key(text: object, where: str) -> bytes:
    if not isinstance(text, str):
        raise KeysError(f"{where}: must be 32 hex digits in quotes")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeysError(f"{where}: must be 32 hex digits (spaces allowed), and it holds other characters") from None
    if len(key) != 16:
        raise KeysError(f"{where}: must be 16 bytes (32 hex digits), not {len(key)} bytes")
    return key


def parse_keys(encryption: str, authentication: str | None, where: str) -> Keys:
    """Keys from their hex text; `where` names their origin in any error."""
    return Keys(
        _key(encryption, f"{where} encryption key"),
        _key(authentication, f"{where} authentication key") if authentication else b"",
    )


def load_keys(path: str | Path | None = None) -> KeyRing:
    """The keys in `path`, or in the file HANBENCH_KEYS_FILE names; an empty ring when neither is given."""
    path = path or os.environ.get(KEYS_FILE_ENV)
    if not path:
        return KeyRing()
    from .datafiles import read_toml  # pydantic, which a decode without a keys file never needs

    path = Path(path)
    tables = read_toml(path, KeysError, "keys file")
    ring: dict[str, Keys] = {}
    for meter, table in tables.items():
        if not isinstance(table, dict) or "encryption_key" not in table:
            raise KeysError(f"{path}: [{meter}] needs encryption_key (and authentication_key for authenticated meters)")
        unknown = sorted(set(table) - {"encryption_key", "authentication_key"})
        if unknown:
            raise KeysError(
                f"{path}: [{meter}]: unknown field {unknown[0]!r}; a table holds encryption_key and authentication_key"
            )
        ring[meter] = parse_keys(table["encryption_key"], table.get("authentication_key"), f"{path}: [{meter}]")
    default = ring.pop("default", None)
    return KeyRing(ring, default)
