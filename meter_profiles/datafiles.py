"""Reading hanbench's data files: TOML, validated by a pydantic model, a misspelled key refused.

One reader for every kind (meter profiles, the simulator's scenarios and fault
plans, the bench's run sets, the station's limits and burst), so a bad file
reads the same everywhere: one line naming the file, the field and what is
wrong (for an unknown key: the key and the names it may have meant), raised as
the caller's own error class. pydantic is imported on first validation, not
with this module.
"""

import difflib
import math
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["load_model", "read_toml", "unknown_name", "validate"]

Model = TypeVar("Model", bound="BaseModel")
# Where a value sits in a TOML table or a pydantic error: keys and list indices.
Location = tuple[str | int, ...]


def read_toml(path: Path, error: type[Exception], what: str) -> dict[str, Any]:
    """The table in a TOML file, or `error` saying why it cannot be read."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror}") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None


def load_model(model: type[Model], path: Path, error: type[Exception], what: str) -> Model:
    """The file at `path` read and validated as `model`; `what` names the kind of file in an error."""
    return validate(model, read_toml(path, error, what), path, error)


def validate(model: type[Model], data: dict[str, Any], path: Path, error: type[Exception]) -> Model:
    """`data` as `model`, or `error` naming the file, the first wrong field and what is wrong with it."""
    from pydantic import ValidationError

    found = _non_finite(data)
    if found is not None:
        raise error(f"{path}: {'.'.join(map(str, found))}: must be a finite number, not nan or inf")
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        errors = problem.errors()
        # A misspelled key is both unknown and (when required) missing: its spelling is the fix to show.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        more = f" (and {problem.error_count() - 1} more)" if problem.error_count() > 1 else ""
        raise error(f"{path}: {_problem(model, first)}{more}") from None


def unknown_name(what: str, name: str, folder: Path, error: type[Exception], extra: str = "") -> Exception:
    """The error for a name with no file in `folder`, suggesting close names (or listing them)."""
    names = sorted(p.stem for p in folder.glob("*.toml"))
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(names)}"
    return error(f"unknown {what} {name!r}: {hint}{extra}")


def _non_finite(data: object, where: Location = ()) -> Location | None:
    """Where in the data TOML's nan or inf stands (which every model's arithmetic would take), or None."""
    if isinstance(data, float) and not math.isfinite(data):
        return where
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    return next((found for key, value in items if (found := _non_finite(value, (*where, key))) is not None), None)


def _problem(model: type["BaseModel"], error: Mapping[str, Any]) -> str:
    """One validation error as `where: what`; an unknown key with the keys it may have meant."""
    location = error["loc"]
    if error["type"] != "extra_forbidden":
        return f"{_where(location)}: {error['msg']}"
    key, keys = str(location[-1]), _keys_at(model, location[:-1])
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    fix = f"did you mean {' or '.join(close)}?" if close else "remove it"
    known = f" (the keys there: {', '.join(keys)})" if keys else ""
    return f"{_where(location[:-1])}: unknown key {key!r}: {fix}{known}"


def _where(location: Location) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def _keys_at(model: type["BaseModel"], location: Location) -> list[str]:
    """The keys the model allows at `location` (a pydantic error's path), or none when it cannot tell."""
    kinds: list[Any] = [model]
    for part in location:
        kinds = [inner for kind in kinds for inner in _inside(kind, part)]
    return sorted({key for kind in kinds for key in _field_keys(kind)})


def _inside(kind: Any, part: str | int) -> list[Any]:
    """What sits at `part` inside a value of type `kind`: a model's field, a list's item, a dict's value."""
    fields = _field_keys(kind)
    if fields:
        field = next((f for name, f in kind.model_fields.items() if part in (name, f.alias)), None)
        return _unwrapped(field.annotation) if field else []
    if isinstance(kind, type) and kind.__name__ == part:  # a union's member, named in the path
        return [kind]
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (list, tuple, set, frozenset) and args and isinstance(part, int):
        return _unwrapped(args[0])
    if origin is dict and len(args) == 2:
        return _unwrapped(args[1])
    return []


def _unwrapped(kind: Any) -> list[Any]:
    """The types a field's annotation may hold: Annotated and Optional/union peeled off."""
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _unwrapped(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        return [inner for arg in typing.get_args(kind) for inner in _unwrapped(arg)]
    return [kind]


def _field_keys(kind: Any) -> list[str]:
    """The keys a pydantic model takes (by alias where it has one); none for any other type."""
    fields = getattr(kind, "model_fields", None) if isinstance(kind, type) else None
    return [field.alias or name for name, field in fields.items()] if isinstance(fields, dict) else []
