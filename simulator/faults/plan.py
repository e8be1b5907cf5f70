"""Fault plans: named, seeded data files (faults/plans/*.toml) that say what goes wrong, how often,
and what a correct reader does about it.

    name = "bad-fcs"
    description = "..."
    expect = "publish nothing from a frame with a bad FCS; lose no later frame"
    seed = 1
    [[fault]]
    kind = "bad-fcs"
    rate = 0.2          # or every = 5 (every fifth frame); lists = [2] to hit list 2 only

Plans mix: `--faults bad-fcs,garbage@0.5` loads both and sets garbage's rate to 0.5.
"""

from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from meter_profiles.datafiles import load_model, unknown_name

from ..errors import SimulatorError

__all__ = [
    "FAULT_KINDS",
    "PLAN_DIR",
    "FaultError",
    "FaultPlan",
    "FaultSpec",
    "bundled_plans",
    "load_plan",
    "load_plans",
]

PLAN_DIR = Path(__file__).parent / "plans"
# The kinds as a Literal type (the model and the type checker know them) and as a tuple (for listing them).
FaultKind = Literal[
    "bad-fcs",
    "bad-hcs",
    "truncate",
    "garbage",
    "flip-bits",
    "parity-error",
    "framing-error",
    "gap",
    "lost-list",
    "duplicate",
    "clock-jump",
    "silence",
    "burst",
    # Security suite 0 (encrypted profiles only): what the ciphering of a frame can get wrong.
    "wrong-key",
    "bad-tag",
    "counter-reset",
    "counter-repeat",
    # Lists sent in pieces (segmented HDLC, M-Bus long frames): one piece lost, sent twice or swapped.
    "lost-segment",
    "repeated-segment",
    "reordered-segment",
    # A UART's clock off the nominal rate for one frame (serial devices only).
    "baud-drift",
    # Made by the M-Bus line emulator's gateware (--line mbus-sim or mbus): a start bit held too long,
    # a space spike on the idle bus, the bus unpowered.
    "stretch",
    "glitch",
    "power-off",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)


class FaultError(SimulatorError, ValueError):
    """A fault plan that cannot be loaded or cannot run on this line or meter."""


class FaultSpec(BaseModel):
    """One kind of fault in a plan, how often it strikes, and its size."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FaultKind
    rate: float | None = Field(None, ge=0, le=1)  # chance per frame
    every: int | None = Field(None, gt=0)  # or: every Nth frame, from frame `first`
    first: int = Field(0, ge=0)
    lists: list[Literal[1, 2, 3]] | None = None  # only frames of these lists
    bytes_min: int = Field(4, ge=1)  # garbage and burst length
    bytes_max: int = Field(40, ge=1)
    bits: int = Field(1, ge=1, le=3)  # flip-bits: CRC-16 catches every error of up to 3 bits
    gap_ms: float = Field(30.0, gt=0)  # gap: pause inside the frame
    seconds: float = Field(60.0)  # clock-jump: how far (may be negative); silence, power-off: how long
    counter_back: int = Field(10, ge=1)  # counter-reset: how far the frame counter drops
    drift_percent: float = Field(2.0, ge=-10, le=10)  # baud-drift: how far the rate is off, in percent
    # stretch: bit times the start bit is held too long. From 3/4 to 5/4 every later sample of the character
    # lands one bit late (a UART samples mid-bit), so the byte is misread whatever it is, bar 00.
    stretch_bits: float = Field(1.0, ge=0.75, le=1.25)
    # glitch: the spike's length in bit times; past half a bit a UART takes it for a start bit.
    glitch_bits: float = Field(0.75, gt=0.5, le=1.0)

    @model_validator(mode="after")
    def _how_often(self) -> "FaultSpec":
        if (self.rate is None) == (self.every is None):
            raise ValueError("give exactly one of rate (chance per frame) or every (every Nth frame)")
        if self.bytes_max < self.bytes_min:
            raise ValueError(f"bytes_max ({self.bytes_max}) must not be below bytes_min ({self.bytes_min})")
        return self


class FaultPlan(BaseModel):
    """A named plan: its faults, its seed, and what a correct reader does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    expect: str
    seed: int = 1
    fault: list[FaultSpec] = Field(min_length=1)

    def with_rate(self, rate: float) -> "FaultPlan":
        """The same plan with every fault's chance per frame set to `rate`."""
        if not 0 <= rate <= 1:
            raise FaultError(f"a fault rate must be between 0 and 1, not {rate}")
        faults = [spec.model_copy(update={"rate": rate, "every": None}) for spec in self.fault]
        return self.model_copy(update={"fault": faults})


def load_plan(spec: str) -> FaultPlan:
    """A plan by bundled name or TOML path."""
    path = Path(spec) if spec.endswith(".toml") else PLAN_DIR / f"{spec}.toml"
    if not path.is_file():
        raise unknown_name("fault plan", spec, PLAN_DIR, FaultError)
    return load_model(FaultPlan, path, FaultError, "fault plan")


def load_plans(option: str | None) -> list[FaultPlan]:
    """Plans from `--faults`: comma-separated names or paths, each optionally `@rate`."""
    plans = []
    for part in filter(None, (p.strip() for p in (option or "").split(","))):
        name, at, rate = part.partition("@")
        plan = load_plan(name)
        if at:
            try:
                value = float(rate)
            except ValueError:
                raise FaultError(
                    f"fault rate must be a number between 0 and 1, as in {name}@0.1, not {rate!r}"
                ) from None
            plan = plan.with_rate(value)
        plans.append(plan)
    return plans


def bundled_plans() -> dict[str, FaultPlan]:
    """Every plan shipped in faults/plans/, by name."""
    return {path.stem: load_plan(path.stem) for path in sorted(PLAN_DIR.glob("*.toml"))}
