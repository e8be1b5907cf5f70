"""The decode table: every list of a set of profiles, by what a frame shows before its values.

The frame decoder looks a frame's list up by its header (addresses, control,
invoke id, date-time form) and body shape (outer tag and element count), and
gets each model's compiled list with that header and shape.

The bundled profiles' table is cached on disk, because building it means
validating every profile file through its pydantic schema, which costs a
short decode more than all its frames. The cache is one JSON file under
$XDG_CACHE_HOME/hanbench (~/.cache/hanbench), named by a hash of the profile
files and of the code that compiles them: a changed profile or codec makes a
new table. The file opens with that key and a hash of its table, so a torn or
altered file is rebuilt, never used; a folder that cannot be written only
means the table is built on every start.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import orjson

from meter_profiles import PROFILE_DIR, load_profiles

from . import axdr, cosem, lists
from .lists import CompiledList, compiled

if TYPE_CHECKING:
    from meter_profiles.schema import Profile

__all__ = ["Candidate", "DecodeTable", "HeaderKey", "Shape", "bundled_table", "cache_folder", "header_key", "table_of"]

# Bumped when the file's layout changes in a way the code hash would not show.
_FORMAT = b"hanbench-decode-table 1"
# The code whose change changes a table: this module, the list compiler and what it draws on, the schema's defaults.
_CODE = (
    Path(__file__),
    Path(lists.__file__),
    Path(axdr.__file__),
    Path(cosem.__file__),
    PROFILE_DIR.parent / "schema.py",
)
# Tables of other profile sets (other installs, earlier edits) kept beside the newest.
_KEEP = 8


class Candidate(NamedTuple):
    """One model's list: what the decoder credits a frame to when the list fits it."""

    name: str
    meter_type: str
    list_no: int
    form: CompiledList


# What a frame shows before its body: addresses, control byte, invoke id, date-time form.
HeaderKey: TypeAlias = tuple[bytes, bytes, int, bytes, str]
# A body's outer tag and element count (-1 for a body that is no array or structure).
Shape: TypeAlias = tuple[int, int]
# (header key, body shape) -> the lists of the models with that header that have that shape, in name order.
DecodeTable: TypeAlias = dict[tuple[HeaderKey, Shape], list[Candidate]]


def header_key(profile: Profile) -> HeaderKey:
    """What a profile's every frame shares before the body: addresses, control, invoke id, date-time form."""
    return (profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0], profile.apdu.invoke_id, profile.apdu.datetime)


def table_of(profiles: dict[str, Profile]) -> DecodeTable:
    """The decode table of these profiles."""
    table: DecodeTable = {}
    for profile in profiles.values():
        for list_no, layout in profile.lists.items():
            form = compiled(layout)
            candidate = Candidate(profile.name, profile.identity.meter_type, list_no, form)
            table.setdefault((header_key(profile), form.shape), []).append(candidate)
    return table


def _rows(table: DecodeTable) -> list[list[Any]]:
    """The table as plain data: one row a candidate, with its header key's bytes in hex."""
    return [
        [dst.hex(), src.hex(), control, invoke_id.hex(), form_name, *candidate[:3], candidate.form.as_data()]
        for ((dst, src, control, invoke_id, form_name), _shape), candidates in table.items()
        for candidate in candidates
    ]


def _from_rows(rows: list[list[Any]]) -> DecodeTable:
    """_rows' inverse."""
    table: DecodeTable = {}
    for dst, src, control, invoke_id, form_name, name, meter_type, list_no, data in rows:
        form = CompiledList.from_data(data)
        key = (bytes.fromhex(dst), bytes.fromhex(src), control, bytes.fromhex(invoke_id), form_name)
        table.setdefault((key, form.shape), []).append(Candidate(name, meter_type, list_no, form))
    return table


def cache_folder() -> Path:
    """Where the table is cached: $XDG_CACHE_HOME/hanbench, else ~/.cache/hanbench."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hanbench"


def _key(profile_dir: Path) -> str:
    """A hash of the table's format, the code that compiles it, and every profile file's name and bytes."""
    digest = hashlib.sha256(_FORMAT)
    for path in (*_CODE, *sorted(profile_dir.glob("*.toml"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read(path: Path, key: str) -> DecodeTable | None:
    """The table in a cache file, or None if it is missing, of another key, torn or altered."""
    try:
        head, _, body = path.read_bytes().partition(b"\n")
        if head != f"{key} {hashlib.sha256(body).hexdigest()}".encode():
            return None
        return _from_rows(orjson.loads(body))
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return None


def _write(path: Path, key: str, table: DecodeTable) -> None:
    """Write the table beside its name and rename it over, so a reader sees a whole file or none."""
    body = orjson.dumps(_rows(table))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(f"{key} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    for old in sorted(path.parent.glob("decode-table-*.json"), key=lambda p: p.stat().st_mtime)[:-_KEEP]:
        old.unlink(missing_ok=True)


def bundled_table(profile_dir: Path = PROFILE_DIR) -> DecodeTable:
    """The decode table of the profiles in profile_dir (the bundled ones), from the cache when it holds it."""
    try:
        key = _key(profile_dir)
    except OSError:  # a source or profile file that cannot be read: no key, so no cache
        return table_of(load_profiles(profile_dir))
    path = cache_folder() / f"decode-table-{key[:32]}.json"
    table = _read(path, key)
    if table is None:
        table = table_of(load_profiles(profile_dir))
        with contextlib.suppress(OSError):  # a read-only or full cache folder: the next start builds it again
            _write(path, key, table)
    return table
