"""A household as a sum of loads that switch with the time of day, and optional solar.

The loads are data (a scenario file): a base load with noise, thermostat
cycles (fridge), windows of the day when something runs part of the time
(cooking, the water heater at night), and a solar array whose output follows
the sun and passing clouds. Every on/off decision is seeded noise keyed by
the load and the time, so any instant can be computed on its own.
"""

import math
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..timing.zones import OffsetCache
from .electrical import GridState, VoltageModel, VoltageSettings
from .noise import Noise

__all__ = ["HouseholdScenario", "HouseholdSource", "Load", "Solar"]

_DAY_S = 86_400


def _time_of_day(value: object) -> int:
    try:
        hours, minutes = str(value).split(":")
        seconds = int(hours) * 3600 + int(minutes) * 60
    except ValueError:
        raise ValueError(f"must be a time of day HH:MM, not {value!r}") from None
    if not 0 <= seconds < _DAY_S:
        raise ValueError(f"must be a time of day between 00:00 and 23:59, not {value!r}")
    return seconds


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Load(_Data):
    """One appliance or group of appliances."""

    name: str
    watts: float = Field(gt=0)
    phase: Literal[1, 2, 3, "all"] = "all"
    noise: float = Field(0.0, ge=0, le=1)  # relative ± from second to second
    window: tuple[int, int] | None = None  # on only between these times of day (may wrap midnight)
    duty: float = Field(1.0, gt=0, le=1)  # within the window, the share of blocks it is on
    block_s: int = Field(60, gt=0)
    cycle_s: int | None = Field(None, gt=0)  # a thermostat: on for on_s out of every cycle_s
    on_s: int | None = Field(None, gt=0)

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: object) -> object:
        if value is None:
            return value
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError(f'must be two times of day such as ["16:30", "18:00"], not {value!r}')
        return tuple(_time_of_day(v) for v in value)


class Solar(_Data):
    """A solar array: a sine between sunrise and sunset, dimmed by seeded clouds."""

    peak_watts: float = Field(gt=0)
    sunrise: int
    sunset: int
    clouds: float = Field(0.0, ge=0, le=1)  # the deepest a cloud cuts output, as a share
    block_s: int = Field(120, gt=0)

    @field_validator("sunrise", "sunset", mode="before")
    @classmethod
    def _times(cls, value: object) -> int:
        return _time_of_day(value)


class HouseholdScenario(_Data):
    """A scenario file of kind household."""

    name: str
    description: str
    kind: Literal["household"]
    seed: int = 1
    zone: str = "Europe/Oslo"  # whose time of day the loads follow
    power_factor: float = Field(0.97, gt=0.3, le=1)
    capacitive_var: float = Field(0.0, ge=0)  # standing capacitive load (electronics): shows as Q-
    voltage: VoltageSettings = VoltageSettings()
    load: list[Load] = Field(min_length=1)
    solar: Solar | None = None


class _CompiledLoad:
    """A Load's numbers taken out of the validated model once, so each step reads plain attributes.

    A warped day asks for some 40,000 steps of nine loads each; this is the
    simulator's hottest loop, and it must give exactly what the model says.
    """

    __slots__ = ("block_s", "cycle_s", "duty", "noise", "noise_amp", "on_s", "phases", "shift", "watts", "window")

    def __init__(self, load: Load, noise: Noise, meter_phases: int) -> None:
        self.watts, self.noise, self.noise_amp = load.watts, noise, load.noise
        self.window, self.duty, self.block_s = load.window, load.duty, load.block_s
        self.cycle_s, self.on_s = load.cycle_s, (load.on_s or load.cycle_s)
        # A thermostat's phase within its cycle: fixed per load and seed.
        self.shift = int(noise.unit(-1) * load.cycle_s) if load.cycle_s is not None else 0
        # Which of the meter's phases the load draws on, and by how much its draw is divided among them.
        if meter_phases == 1:
            self.phases: tuple[tuple[int, int], ...] = ((0, 1),)
        elif load.phase == "all":
            self.phases = ((0, 3), (1, 3), (2, 3))
        else:
            self.phases = ((load.phase - 1, 1),)

    def watts_at(self, second: int, local_s: int) -> float:
        """The load's draw in this second (local_s: seconds into the local day)."""
        if self.window is not None:
            start, end = self.window
            inside = start <= local_s < end if start < end else (local_s >= start or local_s < end)
            if not inside or self.noise.unit(second // self.block_s) >= self.duty:
                return 0.0
        if self.cycle_s is not None and self.on_s is not None and (second + self.shift) % self.cycle_s >= self.on_s:
            return 0.0
        return self.watts * (1.0 + self.noise.spread(second, self.noise_amp)) if self.noise_amp else self.watts


class HouseholdSource:
    """The grid state of a household scenario at any instant, for a meter of 1 or 3 phases."""

    def __init__(self, scenario: HouseholdScenario, phases: int, seed: int | None = None) -> None:
        self._scenario = scenario
        self._phases = phases
        self._seed = scenario.seed if seed is None else seed
        self._offsets = OffsetCache(ZoneInfo(scenario.zone))
        self._loads = [_CompiledLoad(load, Noise(self._seed, load.name), phases) for load in scenario.load]
        self._clouds = Noise(self._seed, "solar")
        self._tan_phi = math.tan(math.acos(scenario.power_factor))
        self._voltage = VoltageModel(scenario.voltage, self._seed)

    def state(self, utc_ms: int) -> GridState:
        """Per-phase powers and voltages at this UTC instant (milliseconds since the epoch)."""
        second = utc_ms // 1000
        local_s = (second + self._offsets.offset_s(second)) % _DAY_S
        consumption = [0.0, 0.0, 0.0]
        for load in self._loads:
            watts = load.watts_at(second, local_s)
            if watts:
                for phase, divisor in load.phases:
                    consumption[phase] += watts / divisor
        n = self._phases
        share = self._scenario.capacitive_var / n
        q = tuple(consumption[k] * self._tan_phi - share for k in range(n))
        solar = self._solar_watts(second, local_s) / n
        p = tuple(consumption[k] - solar for k in range(n))
        return self._voltage.state(utc_ms, p, q)

    def _solar_watts(self, second: int, local_s: int) -> float:
        solar = self._scenario.solar
        if solar is None or not solar.sunrise <= local_s < solar.sunset:
            return 0.0
        sun = math.sin(math.pi * (local_s - solar.sunrise) / (solar.sunset - solar.sunrise))
        cloud = solar.clouds * self._clouds.unit(second // solar.block_s)
        return solar.peak_watts * sun * (1.0 - cloud)
