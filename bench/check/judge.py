"""The checker: the sent log and the publications in, a verdict out, every failure with its reason."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.run.sentlog import SentEntry

from ..observer.adapters import Publication
from .compare import differences
from .pairing import Pair, pair_publications
from .verdict import CHECKS, Check, Failure, Latency, Verdict

__all__ = ["Excuse", "judge"]


@dataclass(frozen=True)
class Excuse:
    """A stretch of monotonic time in which a correct reader cannot publish (its broker or itself restarting)."""

    start: float
    end: float
    reason: str

    def covers(self, moment: float) -> bool:
        """True when moment falls inside the stretch."""
        return self.start <= moment <= self.end


def judge(
    frames: list[SentEntry],
    publications: list[Publication],
    latency_limit_s: float = 1.0,
    excuses: Sequence[Excuse] = (),
    bench_faults: Sequence[Excuse] = (),
) -> Verdict:
    """Judge a run: pair publications with frames, then every check of CHECKS.

    excuses are outages a correct reader lives through (a restart); bench_faults
    are the bench's own losses (bytes its relay dropped, its observer away): the
    frames they touch are excused too, and the verdict names them as bench problems.
    """
    window = max(4 * latency_limit_s, 2.0)
    pairs = pair_publications(frames, publications, window)
    checks = {name: Check(name, description) for name, description in CHECKS.items()}
    unchanged = _unchanged(frames, pairs, publications)
    excused = _missing(frames, pairs, checks["published"], [*excuses, *bench_faults], unchanged)
    _pairs(frames, pairs, checks)
    _extra(publications, pairs, checks["no-extra"])
    _order(frames, pairs, checks["order"])
    latency = _latency(frames, pairs, latency_limit_s, checks["latency"])
    return Verdict(
        list(checks.values()),
        latency,
        frames=len(frames),
        expected=sum(1 for f in frames if f["expect_publish"]),
        publications=len(publications),
        excused=excused,
        bench_problems=[fault.reason for fault in bench_faults],
    )


def _label(frame: SentEntry) -> str:
    time = frame.get("meter_time") or frame["readings"].get("meter_time")
    return f"frame {frame['seq']} (list {frame['list']}{', ' + time if time else ''})"


def _faults(frame: SentEntry) -> str:
    return ", ".join(fault["name"] for fault in frame["faults"]) or "no fault named"


def _unchanged(frames: list[SentEntry], pairs: list[Pair], publications: list[Publication]) -> set[int]:
    """Frames a reader that publishes only what changed rightly left out.

    Such a frame's every value is the one the meter sent in the lists the reader
    published before it (a value it had then got wrong is failed there, once), or
    agrees with what the reader holds.
    """
    if not any(publication.held is not None for publication in publications):
        return set()
    by_frame = {pair.frame: publications[pair.publication] for pair in pairs if pair.kind != "duplicate"}
    unchanged: set[int] = set()
    sent_before: dict[str, Any] = {}
    last: Publication | None = None
    for index, frame in enumerate(frames):
        if index in by_frame:
            last = by_frame[index]
            sent_before.update(frame["readings"])
        elif last is not None and frame["expect_publish"]:
            moved = {name: value for name, value in frame["readings"].items() if sent_before.get(name) != value}
            holds = {**(last.held or {}), **last.fields}
            if not differences(frame | {"readings": moved}, {}, last.rounding, holds):
                unchanged.add(index)
    return unchanged


def _missing(
    frames: list[SentEntry], pairs: list[Pair], check: Check, excuses: list[Excuse], unchanged: set[int]
) -> list[Failure]:
    published = {pair.frame for pair in pairs} | unchanged
    excused = []
    for index, frame in enumerate(frames):
        if not frame["expect_publish"] or index in published:
            continue
        excuse = next((e for e in excuses if e.covers(frame["end_mono"])), None)
        if excuse:
            excused.append(Failure("published", f"{_label(frame)} lost while {excuse.reason}", frame["seq"]))
        else:
            check.failures.append(Failure("published", f"{_label(frame)} was not published", frame["seq"]))
    return excused


def _pairs(frames: list[SentEntry], pairs: list[Pair], checks: dict[str, Check]) -> None:
    for pair in pairs:
        frame = frames[pair.frame]
        if pair.kind == "duplicate":
            checks["no-duplicates"].failures.append(
                Failure(
                    "no-duplicates",
                    f"{_label(frame)} published again (message {pair.publication})",
                    frame["seq"],
                    pair.publication,
                )
            )
        elif not frame["expect_publish"]:
            checks["corrupt-frames"].failures.append(
                Failure(
                    "corrupt-frames",
                    f"{_label(frame)} was corrupted ({_faults(frame)}) but published",
                    frame["seq"],
                    pair.publication,
                )
            )
        elif pair.diffs:
            checks["values"].failures.append(
                Failure("values", f"{_label(frame)}: {'; '.join(pair.diffs)}", frame["seq"], pair.publication)
            )


def _extra(publications: list[Publication], pairs: list[Pair], check: Check) -> None:
    paired = {pair.publication for pair in pairs}
    for publication in publications:
        if publication.error:
            check.failures.append(
                Failure(
                    "no-extra",
                    f"message {publication.index} on {publication.topic}: {publication.error}",
                    message=publication.index,
                )
            )
        elif publication.index not in paired:
            shown = ", ".join(f"{k}={v}" for k, v in list(publication.fields.items())[:4])
            check.failures.append(
                Failure(
                    "no-extra",
                    f"message {publication.index} on {publication.topic} ({shown}) matches no frame sent",
                    message=publication.index,
                )
            )


def _order(frames: list[SentEntry], pairs: list[Pair], check: Check) -> None:
    latest = None
    for pair in pairs:
        if pair.kind == "duplicate":
            continue
        seq = frames[pair.frame]["seq"]
        if latest is not None and seq < latest:
            check.failures.append(
                Failure("order", f"frame {seq} published after frame {latest}", seq, pair.publication)
            )
        latest = seq if latest is None else max(latest, seq)


def _latency(frames: list[SentEntry], pairs: list[Pair], limit: float, check: Check) -> Latency:
    samples = []
    for pair in pairs:
        if pair.kind == "duplicate":
            continue
        frame = frames[pair.frame]
        delay = pair.arrival - frame["end_mono"]
        samples.append(delay)
        if delay > limit:
            check.failures.append(
                Failure(
                    "latency",
                    f"{_label(frame)}: {delay:.3f} s from its last byte to the message (limit {limit:g} s)",
                    frame["seq"],
                    pair.publication,
                )
            )
    return _statistics(samples, limit)


def _statistics(samples: list[float], limit: float) -> Latency:
    if not samples:
        return Latency(limit=limit)
    ordered = sorted(samples)

    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    return Latency(len(ordered), rank(0.5), rank(0.99), ordered[-1], limit, samples)
