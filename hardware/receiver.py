"""A model of the reader's M-Bus receiver (TSS721-like): line levels in volts to logic bits.

The TSS721 holds the highest recent bus voltage as its mark reference (a
capacitor charged at once and discharged slowly) and reads space when the bus
falls more than a threshold below it. So a slow drift of the bus voltage is
followed, but a sudden sag deeper than the threshold reads as space until the
reference has sunk after it: bit errors, as readers see on weak meters.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from .levels import Level
from .monitor import LineTrace

__all__ = ["Sag", "Tss721Model"]


@dataclass(frozen=True)
class Sag:
    """The bus voltage dips by `depth_v` from `start_s` for `duration_s`, reached over `ramp_s`."""

    start_s: float
    duration_s: float
    depth_v: float
    ramp_s: float = 0.0

    def drop_at(self, t: float) -> float:
        """Volts below nominal at time `t`."""
        into, left = t - self.start_s, self.start_s + self.duration_s - t
        if into < 0 or left < 0:
            return 0.0
        if self.ramp_s <= 0:
            return self.depth_v
        return self.depth_v * min(1.0, into / self.ramp_s, left / self.ramp_s)


@dataclass
class Tss721Model:
    """Bus volts per level, the receiver's threshold and the decay of its mark reference."""

    mark_v: float = 36.0
    space_drop_v: float = 12.0  # EN 13757-2: space at least 10 V below mark
    threshold_v: float = 6.0  # switches halfway down a nominal space
    reference_tau_s: float = 0.02
    sags: tuple[Sag, ...] = ()

    def __post_init__(self) -> None:
        self._reference = self.mark_v
        self._mark = True

    def volts(self, level: Level, t: float) -> float:
        """The bus voltage for a gateware level at time `t`, sags included."""
        nominal = {Level.OFF: 0.0, Level.SPACE: self.mark_v - self.space_drop_v, Level.MARK: self.mark_v}[level]
        return max(0.0, nominal - sum(sag.drop_at(t) for sag in self.sags))

    def sample(self, level: Level, t: float, dt: float) -> bool:
        """The logic output (True = mark) after a step of `dt` seconds at `level`."""
        v = self.volts(level, t)
        if v >= self._reference:
            self._reference = v
        else:
            self._reference = v + (self._reference - v) * math.exp(-dt / self.reference_tau_s)
        self._mark = v > self._reference - self.threshold_v
        return self._mark

    def follow(
        self, levels: list[tuple[int, Level]], trace: LineTrace, start: int, end: int, cycle_s: float, step: int
    ) -> None:
        """Run the receiver over cycles [start, end) every `step` cycles, recording into `trace`."""
        index = max(bisect.bisect_right(levels, start, key=lambda change: change[0]) - 1, 0)
        for cycle in range(start, end, step):
            while index + 1 < len(levels) and levels[index + 1][0] <= cycle:
                index += 1
            trace.record(cycle, self.sample(levels[index][1], cycle * cycle_s, step * cycle_s))
