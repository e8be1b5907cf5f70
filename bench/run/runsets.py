"""Run sets from bench/data/runsets.toml: named groups of bench runs (the runs that matter), as data.

A run set is not a scenario: a scenario is the load a simulated meter measures
(simulator/scenarios); a run set lists whole bench runs, each with its meter,
scenario, faults, duration and warp.
"""

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from meter_profiles import bundled_profiles
from meter_profiles.datafiles import load_model

from ..errors import RunSetError
from .session import OPTION_RANGES, check_option

__all__ = ["RUN_SET_FILE", "NamedRun", "load_set", "set_names"]

RUN_SET_FILE = Path(__file__).resolve().parents[1] / "data" / "runsets.toml"


class RunFields(BaseModel):
    """The options of one bench run, as `hanbench run` takes them; one the table leaves out takes the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meter: str | None = None
    scenario: str | None = None
    start: str | None = None
    duration: str | None = None
    warp: str | None = None
    faults: str | None = None
    line: str | None = None
    restart_reader_at: float | None = None
    restart_broker_at: float | None = None
    latency_limit_s: float | None = None
    output_format: str | None = None


class RunEntry(RunFields):
    """One [[run]] table: a run's options, its name, its sets, and how it expands into runs."""

    name: str
    sets: list[str] = []
    each_meter: bool = False
    each_make: bool = False
    each_fault: list[str] | None = None
    skip_meters: list[str] = []  # the meters an each_meter entry leaves out (profiles a reader cannot read yet)


class RunSetFile(BaseModel):
    """The whole file: its [[run]] tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run: list[RunEntry]


RUN_FIELDS = frozenset(RunFields.model_fields)


@dataclass(frozen=True)
class NamedRun:
    """One run of a set: its name (the report folder) and the options it runs with."""

    name: str
    options: dict


def _entries(path: Path) -> list[RunEntry]:
    return load_model(RunSetFile, path, RunSetError, "run set file").run


def set_names(path: Path = RUN_SET_FILE) -> list[str]:
    """Every set named in the file."""
    return sorted({name for entry in _entries(path) for name in entry.sets})


def load_set(name: str, path: Path = RUN_SET_FILE) -> list[NamedRun]:
    """The runs of one set, with each_meter / each_make / each_fault expanded."""
    runs = [run for entry in _entries(path) if name in entry.sets for run in _expand(_checked(entry, path))]
    if not runs:
        raise RunSetError(f"no run set {name!r} in {path}; known: {', '.join(set_names(path))}")
    return runs


def _checked(entry: RunEntry, path: Path) -> RunEntry:
    """An entry whose numbers are each in the range the command line allows (one line naming file, run and key)."""
    for key in ("restart_reader_at", "restart_broker_at", "latency_limit_s"):
        check_option(f"{path}: run {entry.name!r}: {key}", getattr(entry, key), *OPTION_RANGES[key])
    return entry


def _expand(entry: RunEntry) -> list[NamedRun]:
    base = entry.model_dump(include=set(RUN_FIELDS), exclude_unset=True)
    profiles = bundled_profiles()
    if entry.each_meter:
        meters = sorted(set(profiles) - set(entry.skip_meters))
        return [NamedRun(f"{entry.name}-{meter}", {**base, "meter": meter}) for meter in meters]
    if entry.each_make:
        first: dict[str, str] = {}
        for meter in sorted(profiles):
            first.setdefault(profiles[meter].make, meter)
        return [NamedRun(f"{entry.name}-{make}", {**base, "meter": meter}) for make, meter in sorted(first.items())]
    if entry.each_fault is not None:
        return [NamedRun(f"{entry.name}-{fault}", {**base, "faults": fault}) for fault in entry.each_fault]
    return [NamedRun(entry.name, base)]
