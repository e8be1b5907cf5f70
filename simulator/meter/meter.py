"""A meter: its clock and schedule decide when a list goes out, its readings what it carries.

The instantaneous values of a list are those of the measurement step it is
sent in; the energy registers (and, on meters that stamp the hourly list with
the hour, the list's clock) are those of the instant the values were taken,
`lag_s` earlier: Kaifa and Aidon take the hourly list at hh:00:00 and send it
at hh:00:10. A frame header's date-time is the instant it is sent.
"""

from typing import Any, NamedTuple, Protocol

from meter_profiles import ENERGY_FIELDS, TEXT_FIELDS, Profile
from meter_profiles.schema import ListLayout

from ..readings.electrical import GridState
from ..readings.energy import EnergyRegisters
from ..readings.noise import Noise
from ..readings.quantise import truncate_energy
from .clock import MeterClock
from .schedule import Push, Schedule

__all__ = ["REPEAT_RATE", "Emission", "Meter"]

# The hourly-energy-repeat quirk: about one hourly list a day carries the counters of the hour before.
REPEAT_RATE = 1 / 24
_PHASE_FIELDS = (("current_l1", "voltage_l1"), ("current_l2", "voltage_l2"), ("current_l3", "voltage_l3"))


class ReadingsSource(Protocol):
    """What drives a meter: the grid's state at an instant (a household model, a recorded day)."""

    def state(self, utc_ms: int) -> GridState: ...


class Emission(NamedTuple):
    """One list the meter sends: when (true seconds since the start and meter wall time) and what (a tuple, as
    schedule.Push)."""

    elapsed: float
    list_no: int
    meter_time: str
    reading: dict[str, Any]


def _reading_items(layout: ListLayout) -> tuple[tuple[str, str, int, int], ...]:
    """A list's fields in order, each with how a reading gets it: 'energy', 'text' or 'measured', its scaler
    and 10 ** |scaler|.

    Worked out once per profile, because the meter builds a reading for every frame it sends.
    """

    def kind(field: str) -> str:
        return "energy" if field in ENERGY_FIELDS else "text" if field in TEXT_FIELDS else "measured"

    return tuple(
        (item.field, kind(item.field), item.scaler, 10 ** abs(item.scaler))
        for item in layout.items
        if not item.placeholder and item.field is not None
    )


class Meter:
    """A profile's meter, driven by a readings source, on a clock that starts anywhere."""

    def __init__(self, profile: Profile, source: ReadingsSource, clock: MeterClock, seed: int = 1) -> None:
        self.profile = profile
        self.clock = clock
        self._source = source
        self._seed = seed
        self._schedule = Schedule(profile.schedule)
        self.step_ms = self._schedule.step_ms
        self._start_ms = round(clock.start_utc.timestamp() * 1000)
        self._counted_step = self._start_ms // self.step_ms  # the first step not yet in the registers
        self._registers = EnergyRegisters(self._start_registers())
        # Step -> what the meter measured in it: whole-watt powers, currents, voltages, with the identity strings.
        self._steps: dict[int, dict[str, Any]] = {}
        self._header_time = profile.apdu.datetime != "null"
        identity = profile.identity
        self._identity = {
            "list_version": identity.list_version,
            "meter_id": identity.meter_id,
            "meter_type": identity.meter_type,
        }
        self._u2_zero = "it-grid-u2-zero" in profile.quirks
        self._cursor_ms = round(clock.meter_seconds(0.0) * 1000) - 1  # a push at the very start is sent
        self._elapsed = 0.0
        self._last_hourly: dict[str, int] | None = None
        self._repeats = Noise(seed, "hourly-energy-repeat")
        self._max_lag_ms = max(round(slot.lag_s * 1000) for slot in profile.schedule)
        self._items = {list_no: _reading_items(layout) for list_no, layout in profile.lists.items()}
        self._has_energy = {
            list_no: any(kind == "energy" for _, kind, _, _ in items) for list_no, items in self._items.items()
        }

    def _start_registers(self) -> dict[str, int]:
        noise = Noise(self._seed, "registers")
        return {
            "active_energy_import": 4_000_000 + int(noise.unit(0) * 40_000_000),
            "active_energy_export": int(noise.unit(1) * 200_000),
            "reactive_energy_import": int(noise.unit(2) * 400_000),
            "reactive_energy_export": int(noise.unit(3) * 4_000_000),
        }

    def next_emission(self) -> Emission:
        """The next list this meter sends, with the values behind it."""
        push = self._schedule.next_push(self._cursor_ms)
        self._cursor_ms = push.meter_ms
        self._elapsed = self.clock.elapsed_at(push.meter_ms / 1000)
        meter_time = self.clock.meter_time(self._elapsed)
        return Emission(self._elapsed, push.list_no, meter_time, self._reading(push, meter_time))

    def jump_clock(self, seconds: float) -> None:
        """Set the meter's clock forward or back now; its schedule follows its clock."""
        self.clock.jump(seconds)
        self._cursor_ms = round(self.clock.meter_seconds(self._elapsed) * 1000)

    def step_values(self, step: int) -> dict[str, Any]:
        """What the meter measures in one step (UTC milliseconds // step_ms): the whole-watt powers, each phase's
        current and voltage, and its identity strings; worked out once a step, whichever lists are sent in it."""
        values = self._steps.get(step)
        if values is None:
            values = self._steps[step] = self._measure(step)
        return values

    def _measure(self, step: int) -> dict[str, Any]:
        state = self._source.state(step * self.step_ms)
        active, reactive = round(state.active), round(state.reactive)
        values: dict[str, Any] = {
            **self._identity,
            "active_power_import": max(active, 0),
            "active_power_export": max(-active, 0),
            "reactive_power_import": max(reactive, 0),
            "reactive_power_export": max(-reactive, 0),
        }
        for (current, voltage), amps, volts in zip(_PHASE_FIELDS, state.currents, state.u):
            values[current], values[voltage] = amps, volts
        if self._u2_zero:
            values["voltage_l2"] = 0.0  # a three-wire Kaifa measures L1-L2 and L3-L2 and sends 0 for U2
        return values

    def _reading(self, push: Push, meter_time: str) -> dict[str, Any]:
        utc_ms = self._start_ms + round(self._elapsed * 1000)
        values = self.step_values(utc_ms // self.step_ms)
        energy = self._energy_wms(utc_ms - push.lag_ms) if self._has_energy[push.list_no] else {}
        if self._header_time:
            body_time = meter_time
            reading: dict[str, Any] = {"meter_time": meter_time}
        else:
            body_time = self.clock.meter_time(self._elapsed - push.lag_ms / 1000)
            reading = {}
        for field, kind, scaler, factor in self._items[push.list_no]:
            if kind == "measured":  # quantise() inline: some ten values a frame
                value = values[field]
                reading[field] = round(value * factor) / factor if scaler < 0 else round(value / factor) * factor
            elif kind == "energy":
                reading[field] = truncate_energy(energy[field], scaler)
            else:
                reading[field] = body_time if field == "meter_time" else values[field]
        self._count_until((utc_ms - self._max_lag_ms) // self.step_ms)
        return reading

    def _count_until(self, step: int) -> None:
        # Steps no later list can be taken in are added to the registers and forgotten.
        for counted in range(self._counted_step, step):
            self._registers.add(self.step_values(counted), self.step_ms)
            del self._steps[counted]
        self._counted_step = max(self._counted_step, step)

    def _energy_wms(self, taken_ms: int) -> dict[str, int]:
        taken_step = taken_ms // self.step_ms
        self._count_until(taken_step)
        wms = self._registers.wms(self.step_values(taken_step), taken_ms - taken_step * self.step_ms)
        if "hourly-energy-repeat" in self.profile.quirks:
            wms = self._maybe_repeat(wms, taken_ms)
        return wms

    def _maybe_repeat(self, wms: dict[str, int], taken_ms: int) -> dict[str, int]:
        repeat = self._last_hourly is not None and self._repeats.unit(taken_ms // 3_600_000) < REPEAT_RATE
        if not repeat or self._last_hourly is None:
            self._last_hourly = wms
        return self._last_hourly
