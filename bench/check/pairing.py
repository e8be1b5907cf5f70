"""Which frame did each publication come from? Pairs made from values and time, never from decoding.

A publication can only come from a frame whose first byte was on the line
before the message arrived, and a correct reader's comes within the latency
window after its last byte. Publications are paired from the last back to the
first: each takes the latest frame it equals that a later publication has not
taken. A correct reader publishes a frame before the next one ends, so when
identical frames follow one another (Aidon's list 1 is the power alone) the one
left unpaired is the one the reader never saw, lost in a restart say, not the
one before it. Pairs never cross, so a reader that publishes late still pairs
in order; of two publications equal to one frame and no other, the first is its
match and the second a duplicate. A publication equal to no frame is paired
with the latest unpaired frame of the list it looks like, as a mismatch, or else
is extra. A reader both slower than the frames come and losing one of
identical frames may have its loss named a frame off: the counts are right, the
seq may not be. A format that publishes only what changed speaks for the first of
a run of identical frames, the one that changed, so its message takes the earliest.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
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
    """Frame indices in line order with their start and end times, and which are still free to pair."""

    def __init__(self) -> None:
        self.frames: list[int] = []
        self.starts: list[float] = []
        self.ends: list[float] = []
        # A free position points at itself, a taken one below itself: the free one under a position is
        # found in few steps however many identical frames were taken above it.
        self._free_below: list[int] = []

    def add(self, index: int, frame: SentEntry) -> None:
        self._free_below.append(len(self.frames))
        self.frames.append(index)
        self.starts.append(frame.get("start_mono", frame["end_mono"]))
        self.ends.append(frame["end_mono"])

    def between(self, start: float, stop: float) -> range:
        """The positions of the frames that ended after start and began before stop."""
        return range(bisect_left(self.ends, start), bisect_right(self.starts, stop))

    def free_from_latest(self, span: range) -> Iterator[int]:
        """The positions in span not yet taken, the latest first."""
        position = self._free(span.stop - 1)
        while position >= span.start:
            yield position
            position = self._free(position - 1)

    def free_from_earliest(self, span: range) -> Iterator[int]:
        """The positions in span not yet taken, the earliest first."""
        return (position for position in span if self._free_below[position] == position)

    def take(self, position: int) -> None:
        self._free_below[position] = position - 1

    def _free(self, position: int) -> int:
        below = self._free_below
        while position >= 0 and below[position] != position:
            if below[position] >= 0:
                below[position] = below[below[position]]  # halve the path for the next search
            position = below[position]
        return position


def pair_publications(frames: list[SentEntry], publications: list[Publication], window_s: float) -> list[Pair]:
    """Pair every readable publication with a frame, in publication order; publications left unpaired are extra."""
    by_power: dict[int, _Candidates] = defaultdict(_Candidates)
    by_list: dict[int, _Candidates] = defaultdict(_Candidates)
    for index, frame in enumerate(frames):
        power = frame["readings"].get(POWER)
        if finite(power):
            by_power[round(power)].add(index, frame)
        by_list[frame["list"]].add(index, frame)
    readable = [publication for publication in publications if not publication.error]
    matched: dict[int, Pair] = {}  # by frame
    for publication in reversed(readable):
        found = _equal_frame(frames, by_power, publication, window_s)
        if found:
            matched[found.frame] = found
    paired = {pair.publication for pair in matched.values()}
    pairs = list(matched.values())
    for publication in readable:
        if publication.index in paired:
            continue
        found = _duplicate(frames, by_power, matched, publication, window_s)
        found = found or _nearest_frame(frames, by_list, matched, publication, window_s)
        if found:
            matched.setdefault(found.frame, found)
            pairs.append(found)
    return sorted(pairs, key=lambda pair: pair.publication)


def _diffs(frame: SentValues, publication: Publication) -> list[str]:
    """What differs between the frame and the list as the publication's format gives it."""
    return differences(frame, publication.fields, publication.rounding, publication.held)


def _power(publication: Publication) -> object:
    """The active power the publication stands for: published now, or held unchanged."""
    return publication.fields.get(POWER, (publication.held or {}).get(POWER))


def _power_candidates(by_power: dict[int, _Candidates], publication: Publication) -> _Candidates | None:
    power = _power(publication)
    return by_power.get(round(power)) if finite(power) else None


def _span(candidates: _Candidates, publication: Publication, window_s: float) -> range:
    return candidates.between(publication.t - window_s, publication.t + ARRIVAL_SLACK_S)


def _equal_frame(
    frames: list[SentEntry], by_power: dict[int, _Candidates], publication: Publication, window_s: float
) -> Pair | None:
    candidates = _power_candidates(by_power, publication)
    if candidates is None:
        return None
    # A format that publishes only what changed says nothing of the frames after a change that equal it, so its
    # message is the first of a run of identical frames; any other reader's is the last (see above).
    span = _span(candidates, publication, window_s)
    free = candidates.free_from_latest(span) if publication.held is None else candidates.free_from_earliest(span)
    for position in free:
        index = candidates.frames[position]
        if not _diffs(frames[index], publication):
            candidates.take(position)
            return Pair(index, publication.index, "match", publication.t)
    return None


def _duplicate(
    frames: list[SentEntry],
    by_power: dict[int, _Candidates],
    matched: dict[int, Pair],
    publication: Publication,
    window_s: float,
) -> Pair | None:
    """A publication equal to a frame already matched: the earlier of the two publications is the match."""
    candidates = _power_candidates(by_power, publication)
    if candidates is None:
        return None
    for position in reversed(_span(candidates, publication, window_s)):
        index = candidates.frames[position]
        if index in matched and not _diffs(frames[index], publication):
            taken = matched[index]
            if taken.kind == "match" and taken.publication > publication.index:
                taken.kind = "duplicate"
                matched[index] = Pair(index, publication.index, "match", publication.t)
                return matched[index]
            return Pair(index, publication.index, "duplicate", publication.t)
    return None


def _nearest_frame(
    frames: list[SentEntry],
    by_list: dict[int, _Candidates],
    paired: dict[int, Pair],
    publication: Publication,
    window_s: float,
) -> Pair | None:
    found = None
    for list_no in _likely_lists(frames, by_list, publication):
        candidates = by_list[list_no]
        span = _span(candidates, publication, window_s)
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
