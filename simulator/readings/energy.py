"""Energy registers as the integral of the power the meter reports.

The meter measures power once per step (its shortest push period) and holds
it for the step, so the registers are exact sums of whole watts times
milliseconds: no float drift over days, never a step backwards. A register
is sent truncated to its resolution (1 Wh, or 10 Wh on Kamstrup and Aidon),
never rounded up past the energy that really flowed.
"""

__all__ = ["MS_PER_HOUR", "REGISTERS", "EnergyRegisters"]

# Each register and the power it integrates.
REGISTERS = {
    "active_energy_import": "active_power_import",
    "active_energy_export": "active_power_export",
    "reactive_energy_import": "reactive_power_import",
    "reactive_energy_export": "reactive_power_export",
}
MS_PER_HOUR = 3_600_000


class EnergyRegisters:
    """The four registers, kept in whole watt-milliseconds."""

    def __init__(self, start_wh: dict[str, int]) -> None:
        self._wms = {register: start_wh[register] * MS_PER_HOUR for register in REGISTERS}

    def add(self, powers: dict[str, int], duration_ms: int) -> None:
        """Count these whole-watt powers as flowing for `duration_ms`."""
        for register, power in REGISTERS.items():
            self._wms[register] += powers[power] * duration_ms

    def wms(self, powers: dict[str, int] | None = None, extra_ms: int = 0) -> dict[str, int]:
        """Every register in watt-milliseconds, with `powers` counted for a further `extra_ms`."""
        return {
            register: total + (powers[REGISTERS[register]] * extra_ms if powers else 0)
            for register, total in self._wms.items()
        }
