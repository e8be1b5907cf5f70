"""Find, read and validate profile files.

A bad file is refused with one line naming the file, the field and what is
wrong, so that adding a meter model is adding a file and nothing else.
"""

import difflib
import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

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


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def load_profile(path: Path) -> Profile:
    """Read and validate one profile file; its name must be its file's stem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from None
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ProfileError(f"{path}: {_field_path(first['loc'])}: {first['msg']}{more}") from None
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
