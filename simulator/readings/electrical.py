"""The electrical state at the meter for one measurement step, per phase.

A source says how much active and reactive power flows on each phase; the
voltage model says what the voltage is; the currents follow from both, so
P = U·I·cos φ holds on every phase by construction. On an IT grid (three
wires, no neutral, common in Norway) the voltages are line to line, about
230 V, and a load sits between two lines: the same arithmetic per measured
element holds with those voltages.
"""

import math
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from .noise import Noise

__all__ = ["GridState", "VoltageModel", "VoltageSettings"]

_WANDER_BLOCK_MS = 60_000  # the grid voltage drifts minute by minute


class GridState(NamedTuple):
    """Per-phase active power (W, + import), reactive power (var, + inductive) and voltage (V); a tuple, since one
    is made for every measurement step."""

    p: tuple[float, ...]
    q: tuple[float, ...]
    u: tuple[float, ...]

    @property
    def currents(self) -> tuple[float, ...]:
        """Per-phase current magnitude: apparent power over voltage."""
        return tuple(math.hypot(p, q) / u if u else 0.0 for p, q, u in zip(self.p, self.q, self.u))

    @property
    def active(self) -> float:
        """Net active power over all phases, positive when importing."""
        return sum(self.p)

    @property
    def reactive(self) -> float:
        """Net reactive power over all phases, positive when inductive."""
        return sum(self.q)


class VoltageSettings(BaseModel):
    """The grid voltage a scenario sees: level, per-phase spread, slow wander and sag under load."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nominal: float = Field(232.0, gt=0)  # no-load voltage: phase-to-neutral on TN, line-to-line on IT
    spread: float = Field(2.0, ge=0)  # each phase's fixed offset lies within ± this
    wander: float = Field(1.0, ge=0)  # minute-to-minute drift within ± this
    source_ohm: float = Field(0.2, ge=0)  # the service cable's resistance: volts lost per amp


class VoltageModel:
    """Voltages for given phase powers: nominal, an offset per phase, wander, and the sag their current causes."""

    def __init__(self, settings: VoltageSettings, seed: int) -> None:
        self._settings = settings
        self._offsets = tuple(Noise(seed, f"voltage-offset-{k}").spread(0, settings.spread) for k in range(3))
        self._wander = tuple(Noise(seed, f"voltage-wander-{k}") for k in range(3))
        self._block: int | None = None
        self._block_levels: tuple[float, ...] = ()

    def state(self, utc_ms: int, p: tuple[float, ...], q: tuple[float, ...]) -> GridState:
        """The grid state with voltages filled in for these phase powers."""
        levels = self._levels(utc_ms // _WANDER_BLOCK_MS)
        ohm = self._settings.source_ohm
        voltages = tuple(
            level - ohm * (math.hypot(active, reactive) / level) for level, active, reactive in zip(levels, p, q)
        )
        return GridState(tuple(p), tuple(q), voltages)

    def _levels(self, block: int) -> tuple[float, ...]:
        """Each phase's no-load voltage in one wander block (a minute): computed once per block, not per step."""
        if block != self._block:
            s = self._settings
            self._block = block
            self._block_levels = tuple(
                s.nominal + offset + wander.spread(block, s.wander)
                for offset, wander in zip(self._offsets, self._wander)
            )
        return self._block_levels
