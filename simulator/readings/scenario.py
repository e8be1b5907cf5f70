"""Scenarios: the named data files that say how a meter's readings evolve.

A scenario is a TOML file in simulator/scenarios/ (or anywhere, by path) of
one of three kinds: `household` (loads and solar, see household.py), `csv`
(power over time from a CSV file) or `capture` (the values of a recorded
capture, decoded). `csv:PATH` and `capture:PATH` use a file directly with
default settings.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from meter_profiles.datafiles import read_toml, unknown_name, validate

from .electrical import VoltageModel, VoltageSettings
from .household import HouseholdScenario, HouseholdSource
from .recorded import RecordedSource, Sample, ScenarioError, capture_samples, read_power_csv

__all__ = ["SCENARIO_DIR", "Scenario", "ScenarioError", "bundled_scenarios", "load_scenario"]

SCENARIO_DIR = Path(__file__).parent.parent / "scenarios"


class _Recorded(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    path: Path
    seed: int = 1
    power_factor: float = Field(0.97, gt=0.3, le=1)
    voltage: VoltageSettings = VoltageSettings()


class CsvScenario(_Recorded):
    """A scenario file of kind csv: power over time; `time` rows repeat daily in `zone`."""

    kind: Literal["csv"]
    zone: str = "Europe/Oslo"


class CaptureScenario(_Recorded):
    """A scenario file of kind capture: the decoded values of a capture file, looped."""

    kind: Literal["capture"]


_KINDS: dict[str, type[HouseholdScenario | CsvScenario | CaptureScenario]] = {
    "household": HouseholdScenario,
    "csv": CsvScenario,
    "capture": CaptureScenario,
}


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: its settings, and a readings source for a given meter and start."""

    data: HouseholdScenario | CsvScenario | CaptureScenario
    folder: Path  # relative paths in the file are relative to it

    @property
    def name(self) -> str:
        """The scenario's name, as `--scenario` takes it."""
        return self.data.name

    @property
    def seed(self) -> int:
        """The scenario's own seed, used when a run gives none."""
        return self.data.seed

    def source(self, phases: int, start_ms: int, seed: int | None = None) -> HouseholdSource | RecordedSource:
        """The readings source for a meter of `phases` phases whose run starts at `start_ms` (UTC)."""
        data = self.data
        if isinstance(data, HouseholdScenario):
            return HouseholdSource(data, phases, seed)
        voltage = VoltageModel(data.voltage, data.seed if seed is None else seed)
        path = data.path if data.path.is_absolute() else self.folder / data.path
        if isinstance(data, CsvScenario):
            samples, daily = read_power_csv(path, math.tan(math.acos(data.power_factor)))
            return RecordedSource(samples, start_ms, phases, voltage, data.zone if daily else None, loop=False)
        return RecordedSource(_capture_readings(path), start_ms, phases, voltage, None, loop=True)


def _capture_readings(path: Path) -> list[Sample]:
    # Imported here: only a capture scenario needs the codec.
    from ..capture.logfile import CaptureError, read_capture
    from ..codec import FrameDecoder, FrameError

    try:
        capture = read_capture(path)
    except CaptureError as error:
        raise ScenarioError(str(error)) from None
    decoder, readings = FrameDecoder(), []
    for number, captured in enumerate(capture.frames, start=1):
        try:
            values = decoder.decode(captured.frame)
        except FrameError as error:
            raise ScenarioError(f"{path}: frame {number} does not decode: {error}") from None
        readings.append((captured.received, values))
    if all(received is not None for received, _ in readings):
        timed = [(received, values) for received, values in readings if received is not None]
    elif all("meter_time" in values for _, values in readings):
        timed = [(datetime.fromisoformat(values["meter_time"]), values) for _, values in readings]
    else:
        raise ScenarioError(
            f"{path}: some frames have neither a receive time nor a meter time, so they cannot be placed in time"
        )
    return capture_samples(timed)


def _from_file(path: Path) -> Scenario:
    raw = read_toml(path, ScenarioError, "scenario")
    model = _KINDS.get(str(raw.get("kind")))
    if model is None:
        raise ScenarioError(f"{path}: kind must be one of {', '.join(_KINDS)}, not {raw.get('kind')!r}")
    return Scenario(validate(model, raw, path, ScenarioError), path.parent)


def bundled_scenarios() -> dict[str, Scenario]:
    """Every scenario shipped in simulator/scenarios/, by name."""
    return {path.stem: _from_file(path) for path in sorted(SCENARIO_DIR.glob("*.toml"))}


def load_scenario(spec: str) -> Scenario:
    """A scenario by bundled name, TOML path, `csv:PATH` or `capture:PATH`."""
    kind, colon, rest = spec.partition(":")
    if colon and kind in ("csv", "capture"):
        path = Path(rest).resolve()
        if not path.is_file():
            raise ScenarioError(f"{kind} file {rest} not found")
        model = CsvScenario if kind == "csv" else CaptureScenario
        return Scenario(model(name=path.stem, description=f"{kind} {path.name}", kind=kind, path=path), path.parent)
    if spec.endswith(".toml"):
        return _from_file(Path(spec))
    path = SCENARIO_DIR / f"{spec}.toml"
    if path.is_file():
        return _from_file(path)
    raise unknown_name("scenario", spec, SCENARIO_DIR, ScenarioError, " (or csv:PATH, capture:PATH, a .toml file)")
