"""Which frame did each publication come from? Pairs made from values and time, never from decoding.

A publication can only come from a frame whose first byte was on the line
before the message arrived, and a correct reader's comes within the latency
window after its last byte. Among frames whose readings the publication equals, the earliest not
yet paired is taken (so a duplicate or a reader that publishes late still
pairs right); a publication equal to no frame is paired with the latest
unpaired frame of the list it looks like, as a mismatch, or else is extra.
When neighbouring frames carry identical values, a missing frame may be named
one frame off: the counts are right, the seq may not be.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from simulator.run.sentlog import SentEntry, SentValues

from ..observer.adapters import Publication
from ..observer.payload import finite
from .compare import differences

__all__ = ["Pair", "pair_publications"]

# A message may arrive before the simulator has stamped its write of the last byte: on busy cores
# the simulator can wait tens of milliseconds for a CPU between its write and its stamp, while the
# reader publishes. So causality is judged from the stamp taken before the first byte, with this slack.
ARRIVAL_SLACK_S = 0.01
POWER = "active_power_import"


@dataclass
class Pair:
    """A publication and the frame it came from: match, mismatch (with diffs) or duplicate."""

    frame: int
    publication: int
    kind: str
    arrival: float
    diffs: list[str] = field(default_factory=list)


class _Candidates:
    """Frame indices in line order with their start and end times, and a cursor past those already paired."""

    def __init__(self) -> None:
        self.frames: list[int] = []
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.cursor = 0

    def add(self, index: int, frame: SentEntry) -> None:
        self.frames.append(index)
        self.starts.append(frame.get("start_mono", frame["end_mono"]))
        self.ends.append(frame["end_mono"])

    def between(self, start: float, stop: float, unpaired_only: bool = True) -> range:
        """The frames that ended after start and began before stop."""
        low = bisect_left(self.ends, start)
        return range(max(low, self.cursor) if unpaired_only else low, bisect_right(self.starts, stop))


def pair_publications(frames: list[SentEntry], publications: list[Publication], window_s: float) -> list[Pair]:
    """Pair every readable publication with a frame; publications left unpaired are extra."""
    by_power: dict[int, _Candidates] = defaultdict(_Candidates)
    by_list: dict[int, _Candidates] = defaultdict(_Candidates)
    for index, frame in enumerate(frames):
        power = frame["readings"].get(POWER)
        if finite(power):
            by_power[round(power)].add(index, frame)
        by_list[frame["list"]].add(index, frame)
    paired: dict[int, int] = {}
    pairs = []
    for publication in publications:
        if publication.error:
            continue
        found = _equal_frame(frames, by_power, paired, publication, window_s)
        found = found or _nearest_frame(frames, by_list, paired, publication, window_s)
        if found:
            paired.setdefault(found.frame, publication.index)
            pairs.append(found)
    return pairs


def _diffs(frame: SentValues, publication: Publication) -> list[str]:
    """What differs between the frame and the list as the publication's format gives it."""
    return differences(frame, publication.fields, publication.rounding, publication.held)


def _power(publication: Publication) -> object:
    """The active power the publication stands for: published now, or held unchanged."""
    return publication.fields.get(POWER, (publication.held or {}).get(POWER))


def _equal_frame(
    frames: list[SentEntry],
    by_power: dict[int, _Candidates],
    paired: dict[int, int],
    publication: Publication,
    window_s: float,
) -> Pair | None:
    power = _power(publication)
    if not finite(power) or round(power) not in by_power:
        return None
    candidates = by_power[round(power)]
    start, stop = publication.t - window_s, publication.t + ARRIVAL_SLACK_S
    for position in candidates.between(start, stop):
        index = candidates.frames[position]
        if index not in paired and not _diffs(frames[index], publication):
            paired[index] = publication.index
            _advance(candidates, paired)
            return Pair(index, publication.index, "match", publication.t)
    for position in reversed(candidates.between(start, stop, unpaired_only=False)):
        index = candidates.frames[position]
        if index in paired and not _diffs(frames[index], publication):
            return Pair(index, publication.index, "duplicate", publication.t)
    return None


def _advance(candidates: _Candidates, paired: dict[int, int]) -> None:
    while candidates.cursor < len(candidates.frames) and candidates.frames[candidates.cursor] in paired:
        candidates.cursor += 1


def _nearest_frame(
    frames: list[SentEntry],
    by_list: dict[int, _Candidates],
    paired: dict[int, int],
    publication: Publication,
    window_s: float,
) -> Pair | None:
    found = None
    for list_no in _likely_lists(frames, by_list, publication):
        candidates = by_list[list_no]
        span = candidates.between(publication.t - window_s, publication.t + ARRIVAL_SLACK_S)
        index = next((candidates.frames[p] for p in reversed(span) if candidates.frames[p] not in paired), None)
        if index is not None and (found is None or frames[index]["end_mono"] > frames[found]["end_mono"]):
            found = index
    if found is None:
        return None
    return Pair(found, publication.index, "mismatch", publication.t, _diffs(frames[found], publication))


def _likely_lists(frames: list[SentEntry], by_list: dict[int, _Candidates], publication: Publication) -> list[int]:
    """The lists a publication that matches no frame may be from: for a format that publishes only what
    changed, every list that carries all it published (the latest frame of them is taken); else the likeliest."""
    if publication.held is None:
        likely = _likely_list(frames, by_list, publication.fields)
        return [] if likely is None else [likely]
    return [
        list_no
        for list_no, candidates in by_list.items()
        if publication.fields.keys() <= set(frames[candidates.frames[0]]["readings"])
    ]


def _likely_list(frames: list[SentEntry], by_list: dict[int, _Candidates], fields: dict[str, Any]) -> int | None:
    """The list whose fields overlap the publication's most (a list 1 is P alone, a list 3 has energies)."""
    best, score = None, 0.0
    for list_no, candidates in by_list.items():
        carried = set(frames[candidates.frames[0]]["readings"])
        overlap = len(carried & fields.keys()) / len(carried | fields.keys())
        if overlap > score:
            best, score = list_no, overlap
    return best
