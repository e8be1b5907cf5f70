"""The bench's own losses in a run, as excuses the checker applies and the verdict names as bench problems.

Two parts of the bench can lose what a reader did right: the line relay,
which drops bytes when the reader's pty takes none for a while, and the
observer, which misses every message while it is away from the broker. A
loss inside a planned restart belongs to that restart (a reader that is down
reads nothing); a loss that touched no frame proves nothing either way.
"""

import json
from pathlib import Path

from simulator.run.sentlog import SentEntry

from ..check import Excuse
from ..line import BENCH_FAULTS

__all__ = ["bench_faults"]

# Bytes the relay read this long before its stall may belong to frames it was still handing on.
RELAY_MARGIN_S = 1.0


def _relay_drops(run_dir: Path) -> list[Excuse]:
    path = Path(run_dir) / BENCH_FAULTS
    if not path.exists():
        return []
    lines = [line for line in path.read_text().splitlines() if line.endswith("}")]  # a torn last line is left out
    return [Excuse(entry["start"] - RELAY_MARGIN_S, entry["end"], entry["what"]) for entry in map(json.loads, lines)]


def _observer_away(outages: list[tuple[float, float]], latency_limit_s: float) -> list[Excuse]:
    return [
        Excuse(start - latency_limit_s, end, f"the bench's observer was away from the broker for {end - start:.1f} s")
        for start, end in outages
    ]


def bench_faults(
    run_dir: Path,
    outages: list[tuple[float, float]],
    frames: list[SentEntry],
    restarts: list[Excuse],
    latency_limit_s: float,
) -> list[Excuse]:
    """The relay's drops and the observer's absences that touched a frame outside a planned restart."""
    found = _relay_drops(run_dir) + _observer_away(outages, latency_limit_s)
    ends = [frame["end_mono"] for frame in frames]
    return [
        fault
        for fault in found
        if not any(fault.start <= restart.end and restart.start <= fault.end for restart in restarts)
        and any(fault.covers(end) for end in ends)
    ]
