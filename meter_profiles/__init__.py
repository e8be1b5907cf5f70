"""Every meter model as data: one TOML file per model, validated when loaded.

The schema (pydantic) loads on first use of one of its names or of a profile, so
`hanbench decode` of plaintext frames, which reads the bundled profiles from the
cached decode table, starts without pydantic.
"""

import importlib
from typing import Any

from .fields import ENERGY_FIELDS, FIELDS, NUMERIC_FIELDS, TEXT_FIELDS, FieldSpec
from .loader import (
    PROFILE_DIR,
    ProfileError,
    bundled_profiles,
    get_profile,
    is_profile_path,
    load_profile,
    load_profiles,
)

# The schema's names, which need pydantic.
_SCHEMA_NAMES = frozenset(("ListItem", "ListLayout", "Profile", "PushSlot", "SerialSettings"))

__all__ = [
    "ENERGY_FIELDS",
    "FIELDS",
    "NUMERIC_FIELDS",
    "PROFILE_DIR",
    "TEXT_FIELDS",
    "FieldSpec",
    "ListItem",
    "ListLayout",
    "Profile",
    "ProfileError",
    "PushSlot",
    "SerialSettings",
    "bundled_profiles",
    "get_profile",
    "is_profile_path",
    "load_profile",
    "load_profiles",
]


def __getattr__(name: str) -> Any:
    """Import a schema name on first use (PEP 562), then keep it here."""
    if name not in _SCHEMA_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".schema", __name__), name)
    globals()[name] = value
    return value
