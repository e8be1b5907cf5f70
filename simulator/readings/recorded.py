"""Readings from a recording: power over time from a CSV file, or the values of a capture.

Both become a list of samples held until the next one. A CSV with a `time`
column (HH:MM[:SS]) is a day that repeats; one with a `seconds` column starts
when the run starts and holds its last row. A capture starts when the run
starts and loops over its length.
"""

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import SimulatorError
from .electrical import GridState, VoltageModel

__all__ = ["RecordedSource", "Sample", "ScenarioError", "capture_samples", "read_power_csv"]

_POWER_COLUMNS = ("active_power_import", "active_power_export", "reactive_power_import", "reactive_power_export")


class ScenarioError(SimulatorError, ValueError):
    """A scenario (file, CSV or capture) that cannot be used; the message says what and where."""


@dataclass(frozen=True)
class Sample:
    """Net powers (+ import) from `at_ms`, with optional per-phase weights and voltages."""

    at_ms: int
    p: float
    q: float
    weights: tuple[float, ...] | None = None
    volts: tuple[float, ...] | None = None


def _seconds_of(column: str, text: str) -> float:
    if column == "seconds":
        return float(text)
    parts = [float(part) for part in text.split(":")]
    if len(parts) not in (2, 3) or not 0 <= parts[0] < 24:
        raise ValueError(text)
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0)


def _row_sample(path: Path, line: int, row: dict[str, Any], column: str, tan_phi: float) -> Sample:
    try:
        at = _seconds_of(column, row[column])
        powers = {name: float(row[name]) if row.get(name) not in (None, "") else None for name in _POWER_COLUMNS}
    except (ValueError, TypeError):
        raise ScenarioError(f"{path}:{line}: expected a {column} and powers in W, not {dict(row)}") from None
    if powers["active_power_import"] is None:
        raise ScenarioError(f"{path}:{line}: active_power_import is empty")
    p = powers["active_power_import"] - (powers["active_power_export"] or 0.0)
    if powers["reactive_power_import"] is None and powers["reactive_power_export"] is None:
        q = max(p, 0.0) * tan_phi
    else:
        q = (powers["reactive_power_import"] or 0.0) - (powers["reactive_power_export"] or 0.0)
    return Sample(round(at * 1000), p, q)


def read_power_csv(path: Path, tan_phi: float) -> tuple[list[Sample], bool]:
    """The samples of a power CSV and whether they are a repeating day (a `time` column)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            column = next((c for c in ("time", "seconds") if c in fields), None)
            if column is None or "active_power_import" not in fields:
                raise ScenarioError(
                    f"{path}: header must have a time (HH:MM:SS) or seconds column and active_power_import, not {fields}"
                )
            samples = [_row_sample(path, n, row, column, tan_phi) for n, row in enumerate(reader, start=2)]
    except OSError as error:
        raise ScenarioError(f"cannot read power CSV {path}: {error.strerror}") from None
    if not samples:
        raise ScenarioError(f"{path}: no rows under the header")
    return sorted(samples, key=lambda s: s.at_ms), column == "time"


def _sample_of(at_ms: int, values: dict[str, Any], last: Sample | None) -> Sample:
    p = values.get("active_power_import", 0) - values.get("active_power_export", 0)
    if "reactive_power_import" not in values and last is not None:
        return Sample(at_ms, p, last.q, last.weights, last.volts)  # a list 1 carries P only
    q = values.get("reactive_power_import", 0) - values.get("reactive_power_export", 0)
    volts = tuple(values[f"voltage_l{k}"] for k in (1, 2, 3) if f"voltage_l{k}" in values) or None
    if volts and 0 in volts:
        # A three-wire Kaifa sends U2 = 0; the mean of the others is the line-to-line voltage it has.
        live = [v for v in volts if v] or [230.0]
        volts = tuple(v or sum(live) / len(live) for v in volts)
    amps = [values.get(f"current_l{k}") for k in (1, 2, 3)]
    apparent = [a * v for a, v in zip(amps, volts or ()) if a is not None]
    weights = tuple(a / sum(apparent) for a in apparent) if apparent and sum(apparent) > 0 else None
    return Sample(at_ms, p, q, weights, volts)


def capture_samples(readings: list[tuple[datetime, dict[str, Any]]]) -> list[Sample]:
    """Samples from a capture's decoded readings with the time each was sent."""
    origin = readings[0][0]
    samples: list[Sample] = []
    for moment, values in readings:
        at_ms = round((moment - origin).total_seconds() * 1000)
        samples.append(_sample_of(at_ms, values, samples[-1] if samples else None))
    return samples


class RecordedSource:
    """The grid state from recorded samples, for a meter of 1 or 3 phases."""

    def __init__(
        self, samples: list[Sample], start_ms: int, phases: int, voltage: VoltageModel, zone: str | None, loop: bool
    ) -> None:
        self._samples = samples
        self._loop = loop
        self._times = [s.at_ms for s in samples]
        self._start_ms = start_ms
        self._phases = phases
        self._voltage = voltage
        self._zone = ZoneInfo(zone) if zone else None
        gaps = [b - a for a, b in zip(self._times, self._times[1:])]
        self._span_ms = self._times[-1] + (min(gaps) if gaps else 1000)

    def _offset_ms(self, utc_ms: int) -> int:
        if self._zone is not None:
            local = datetime.fromtimestamp(utc_ms / 1000, UTC).astimezone(self._zone)
            return (local.hour * 3600 + local.minute * 60 + local.second) * 1000
        return utc_ms - self._start_ms

    def state(self, utc_ms: int) -> GridState:
        """The sample in force at this UTC instant, spread over the meter's phases."""
        offset = self._offset_ms(utc_ms)
        if self._loop:
            offset %= self._span_ms  # a capture loops
        index = bisect_right(self._times, offset) - 1
        if index < 0:
            # Before the first sample: a repeating day or a loop continues from its end; a run's CSV starts early.
            index = len(self._samples) - 1 if (self._loop or self._zone) else 0
        sample = self._samples[index]
        n = self._phases
        weights = sample.weights if sample.weights and len(sample.weights) == n else (1.0 / n,) * n
        p = tuple(sample.p * w for w in weights)
        q = tuple(sample.q * w for w in weights)
        if sample.volts and len(sample.volts) == n:
            return GridState(p, q, sample.volts)
        return self._voltage.state(utc_ms, p, q)
