"""Find, read and validate profile files.

A bad file is refused with one line naming the file, the field and what is
wrong, so that adding a meter model is adding a file and nothing else. The schema
(pydantic) loads with the first profile read, not with this module: the
decoder finds PROFILE_DIR here to check its cached table without it.
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .datafiles import load_model

if TYPE_CHECKING:
    from .schema import Profile

__all__ = [
    "PROFILE_DIR",
    "ProfileError",
    "bundled_profiles",
    "get_profile",
    "is_profile_path",
    "load_profile",
    "load_profiles",
]

PROFILE_DIR = Path(__file__).parent / "profiles"


class ProfileError(Exception):
    """A profile file is unreadable or invalid, or a profile name is unknown."""


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; its name must be its file's stem."""
    from .schema import Profile

    path = Path(path)
    profile = load_model(Profile, path, ProfileError, "meter profile")
    if profile.name != path.stem:
        raise ProfileError(f"{path}: name: must be the file's name {path.stem!r}, not {profile.name!r}")
    return profile


def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    """Every profile in a folder, by name, in name order."""
    paths = sorted(Path(directory).glob("*.toml"))
    return {profile.name: profile for profile in map(load_profile, paths)}


@cache
def _bundled() -> dict[str, Profile]:
    return load_profiles(PROFILE_DIR)


def is_profile_path(name: str) -> bool:
    """Whether a --meter value names a profile file rather than a bundled profile."""
    return name.endswith(".toml") or "/" in name


def get_profile(name: str) -> Profile:
    """The bundled profile of that name, or the profile in that file (a path ending .toml or holding a /),
    or a ProfileError that suggests close names."""
    if is_profile_path(name):
        return load_profile(Path(name))
    profiles = _bundled()
    if name in profiles:
        return profiles[name]
    close = difflib.get_close_matches(name, profiles, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see 'hanbench profiles'"
    raise ProfileError(f"unknown meter {name!r}: {hint}")


def bundled_profiles() -> dict[str, Profile]:
    """Every profile shipped with hanbench, by name."""
    return dict(_bundled())
