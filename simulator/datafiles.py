"""Reading the simulator's data files (scenarios, fault plans): TOML, validated by a pydantic model.

A bad file is one line naming the file, the field and what is wrong, raised
as the caller's own error class; an unknown name suggests close ones.
"""

import difflib
import math
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

__all__ = ["read_toml", "unknown_name", "validate"]


def read_toml(path: Path, error: type[Exception], what: str) -> dict:
    """The table in a TOML file, or `error` saying why it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror}") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None


def _non_finite(data, where: tuple = ()) -> tuple | None:
    """Where in the data TOML's nan or inf stands (which every model's arithmetic would take), or None."""
    if isinstance(data, float) and not math.isfinite(data):
        return where
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    return next((found for key, value in items if (found := _non_finite(value, (*where, key))) is not None), None)


def validate(model: type[ModelT], data: dict[str, Any], path: Path, error: type[Exception]) -> ModelT:
    """`data` as `model`, or `error` naming the file, the first wrong field and what is wrong with it."""
    found = _non_finite(data)
    if found is not None:
        raise error(f"{path}: {'.'.join(map(str, found))}: must be a finite number, not nan or inf")
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
