"""Named sets of runs from bench/data/scenarios.toml: the scenarios that matter, as data."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from meter_profiles import bundled_profiles

from ..errors import ScenarioError
from .session import OPTION_RANGES, check_option

__all__ = ["SCENARIO_FILE", "NamedRun", "load_set", "set_names"]

SCENARIO_FILE = Path(__file__).resolve().parents[1] / "data" / "scenarios.toml"
RUN_FIELDS = (
    "meter",
    "scenario",
    "start",
    "duration",
    "warp",
    "faults",
    "line",
    "restart_reader_at",
    "restart_broker_at",
    "latency_limit_s",
)
# skip_meters: the meters an each_meter entry leaves out (the set's profiles a reader cannot read yet).
ENTRY_KEYS = frozenset({*RUN_FIELDS, "name", "sets", "each_meter", "each_make", "each_fault", "skip_meters"})


@dataclass(frozen=True)
class NamedRun:
    """One run of a set: its name (the report folder) and the options it runs with."""

    name: str
    options: dict


def _entries(path: Path) -> list[dict]:
    try:
        return tomllib.loads(path.read_text())["run"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise ScenarioError(f"{path} must be TOML with [[run]] tables: {error}") from None


def set_names(path: Path = SCENARIO_FILE) -> list[str]:
    """Every set named in the file."""
    return sorted({name for entry in _entries(path) for name in entry.get("sets", [])})


def load_set(name: str, path: Path = SCENARIO_FILE) -> list[NamedRun]:
    """The runs of one set, with each_meter / each_make / each_fault expanded."""
    runs = [run for entry in _entries(path) if name in entry.get("sets", []) for run in _expand(_checked(entry, path))]
    if not runs:
        raise ScenarioError(f"no scenario set {name!r} in {path}; known: {', '.join(set_names(path))}")
    return runs


def _checked(entry: dict, path: Path) -> dict:
    """An entry with only the keys a run knows, each run field finite (one line naming the file, entry and key)."""
    name = entry.get("name", "?")
    unknown = sorted(entry.keys() - ENTRY_KEYS)
    if unknown:
        raise ScenarioError(
            f"{path}: run {name!r}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(ENTRY_KEYS))}"
        )
    for key in ("restart_reader_at", "restart_broker_at", "latency_limit_s"):
        if key in entry:
            check_option(f"{path}: run {name!r}: {key}", entry[key], *OPTION_RANGES[key])
    return entry


def _expand(entry: dict) -> list[NamedRun]:
    base = {key: entry[key] for key in RUN_FIELDS if key in entry}
    profiles = bundled_profiles()
    if entry.get("each_meter"):
        meters = sorted(set(profiles) - set(entry.get("skip_meters", [])))
        return [NamedRun(f"{entry['name']}-{meter}", {**base, "meter": meter}) for meter in meters]
    if entry.get("each_make"):
        first: dict[str, str] = {}
        for meter in sorted(profiles):
            first.setdefault(profiles[meter].make, meter)
        return [NamedRun(f"{entry['name']}-{make}", {**base, "meter": meter}) for make, meter in sorted(first.items())]
    if "each_fault" in entry:
        return [NamedRun(f"{entry['name']}-{fault}", {**base, "faults": fault}) for fault in entry["each_fault"]]
    return [NamedRun(entry["name"], base)]
