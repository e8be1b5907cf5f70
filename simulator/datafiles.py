"""Reading the simulator's data files (scenarios, fault plans): TOML, validated by a pydantic model.

A bad file is one line naming the file, the field and what is wrong, raised
as the caller's own error class; an unknown name suggests close ones.
"""

import difflib
import tomllib
from pathlib import Path

from pydantic import BaseModel, ValidationError

__all__ = ["read_toml", "validate", "unknown_name"]


def read_toml(path: Path, error: type[Exception], what: str) -> dict:
    """The table in a TOML file, or `error` saying why it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror}") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None


def validate(model: type[BaseModel], data: dict, path: Path, error: type[Exception]) -> BaseModel:
    """`data` as `model`, or `error` naming the file, the first wrong field and what is wrong with it."""
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        first = problem.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise error(f"{path}: {where}: {first['msg']}") from None


def unknown_name(what: str, name: str, folder: Path, error: type[Exception], extra: str = "") -> Exception:
    """The error for a name with no file in `folder`, suggesting close names (or listing them)."""
    names = sorted(p.stem for p in folder.glob("*.toml"))
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(names)}"
    return error(f"unknown {what} {name!r}: {hint}{extra}")
