"""Every meter model as data: one TOML file per model, validated when loaded."""

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
from .schema import ListItem, ListLayout, Profile, PushSlot, SerialSettings

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
