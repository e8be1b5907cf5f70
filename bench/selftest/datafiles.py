"""The station's data files: limits (what passes) and the HAN burst (what is put on the line).

Both are TOML beside this module, validated when loaded; a bad file is refused
with one line naming the file, the field and what is wrong.
"""

import re
from pathlib import Path

import openhtf as htf
from openhtf.util import units
from pydantic import BaseModel, ConfigDict, model_validator

from meter_profiles.datafiles import load_model

from .errors import LimitsError

__all__ = ["BURST_PATH", "LIMITS_PATH", "Burst", "Limits", "MakeBurst", "load_burst", "load_limits"]

LIMITS_PATH = Path(__file__).with_name("limits.toml")
BURST_PATH = Path(__file__).with_name("burst.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Limit(_Strict):
    """One measurement's unit and acceptance: a range (with an optional marginal band), a value, or a pattern."""

    units: str | None = None
    min: float | None = None
    max: float | None = None
    marginal_min: float | None = None
    marginal_max: float | None = None
    equals: str | None = None
    regex: str | None = None
    doc: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> "Limit":
        kinds = [self.min is not None or self.max is not None, self.equals is not None, self.regex is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of min/max, equals or regex")
        if self.units is not None and self.units not in units.UNITS_BY_SUFFIX:
            raise ValueError(f"units must be an OpenHTF unit suffix such as s, °C or 1, not {self.units!r}")
        return self


class StationSettings(_Strict):
    """What the station expects of every board and how long it waits."""

    firmware_version: str
    host_temperature_c: float
    boot_timeout_s: float
    hello_timeout_s: float
    publish_timeout_s: float
    # The station needs a command topic for its MQTT check; a shipped board keeps it only when asked.
    keep_command_topic: bool = False


class Limits(_Strict):
    """The whole limits file: station settings and one limit per measurement name."""

    station: StationSettings
    measurements: dict[str, Limit]

    def check_serial_number(self, serial_number: str) -> str:
        """The scanned label if it matches the serial_number limit's pattern; a LimitsError naming the fix otherwise."""
        pattern = self.measurements["serial_number"].regex if "serial_number" in self.measurements else None
        if pattern and not re.fullmatch(pattern, serial_number):
            shown = serial_number if len(serial_number) <= 40 else serial_number[:40] + "..."
            raise LimitsError(
                f"serial number {shown!r} ({len(serial_number)} characters) does not match {pattern}; "
                "scan the board's label again"
            )
        return serial_number

    def measurement(self, name: str) -> htf.Measurement:
        """The OpenHTF measurement called name, with the unit and validator its limit gives."""
        if name not in self.measurements:
            raise LimitsError(f"{LIMITS_PATH.name}: measurements: no limit for {name!r}; add [measurements.{name}]")
        limit = self.measurements[name]
        measurement = htf.Measurement(name).doc(limit.doc)
        if limit.units is not None:
            measurement = measurement.with_units(units.Unit(limit.units))
        if limit.equals is not None:
            return measurement.equals(limit.equals)
        if limit.regex is not None:
            return measurement.matches_regex(limit.regex)
        return measurement.in_range(limit.min, limit.max, limit.marginal_min, limit.marginal_max)


class MakeBurst(_Strict):
    """One make's part of the burst: the meter model, its clock, and the values every list is built from."""

    name: str
    profile: str
    meter_time: str
    values: dict[str, float]


class BadFcs(_Strict):
    """The corrupted-frame check: which make and list, and the powers that tell the two frames apart."""

    make: str
    list: int
    bad_power: int
    good_power: int


class Burst(_Strict):
    """The whole burst file."""

    make: list[MakeBurst]
    bad_fcs: BadFcs

    def make_named(self, name: str) -> MakeBurst:
        """The burst of one make ("kaifa")."""
        for make in self.make:
            if make.name == name:
                return make
        raise LimitsError(f"{BURST_PATH.name}: no [[make]] named {name!r}; the file has {[m.name for m in self.make]}")


def load_limits(path: Path = LIMITS_PATH) -> Limits:
    """The station's limits, validated."""
    return load_model(Limits, path, LimitsError, "station limits")


def load_burst(path: Path = BURST_PATH) -> Burst:
    """The HAN burst, validated."""
    return load_model(Burst, path, LimitsError, "HAN burst")
