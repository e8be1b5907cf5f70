"""Encode and decode throughput of the frame codec, per make, on one core.

Each make is measured on the mix of lists its meter really sends in an hour
(Kaifa: 1,440 list 1, 359 list 2, 1 list 3; Kamstrup: 360 and 1; Aidon: 1,080,
359 and 1), built from one reading per list. Figures are medians of repeated
runs; target: 20,000 frames/s or more each way. "decode f/s" goes down every
layer a bundled model's frame takes (HDLC, notification, A-XDR, profile
match); "generic f/s" decodes the same frames with no profile at all, so
each is read by the generic layer and credited to <make>-unknown.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from meter_profiles import get_profile
from simulator.codec import FrameDecoder, encode_frame
from simulator.codec.lists import scale

MAKES = {"kaifa": "kaifa-ma304h3e", "kamstrup": "kamstrup-6841121", "aidon": "aidon-6534"}
REPEATS = 7


def hourly_mix(profile) -> list[int]:
    """The list numbers an hour of this meter's pushes holds, a higher priority winning a shared slot."""
    slots: dict[float, tuple[int, int]] = {}
    for slot in profile.schedule:
        t = slot.offset_s
        while t < 3600:
            if t not in slots or slots[t][0] < slot.priority:
                slots[t] = (slot.priority, slot.list)
            t += slot.period_s
    return [slots[t][1] for t in sorted(slots)]


def sample_reading(profile, list_no: int) -> dict:
    """One plausible reading for a list: identity strings, a clock, and mid-range registers."""
    reading = {**profile.identity.model_dump(), "meter_time": "2026-11-23T12:00:10"}
    for item in profile.lists[list_no].items:
        if item.field and item.field not in reading:
            reading[item.field] = scale(2345, item.scaler)
    return reading


def median_rate(work, count: int) -> float:
    """Frames per second, the median of REPEATS timed runs of work()."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return count / statistics.median(times)


def main() -> None:
    print(f"{'make':<10}{'frames/h':>10}{'mean bytes':>12}{'encode f/s':>14}{'decode f/s':>14}{'generic f/s':>14}")
    for make, name in MAKES.items():
        profile = get_profile(name)
        mix = hourly_mix(profile)
        readings = {n: sample_reading(profile, n) for n in profile.lists}
        jobs = [(n, readings[n]) for n in mix]
        frames = [encode_frame(profile, n, reading) for n, reading in jobs]
        decoder = FrameDecoder()
        encode_rate = median_rate(lambda: [encode_frame(profile, n, r) for n, r in jobs], len(jobs))
        decode_rate = median_rate(lambda: [decoder.decode(f) for f in frames], len(frames))
        generic = FrameDecoder({})
        generic_rate = median_rate(lambda: [generic.decode(f) for f in frames], len(frames))
        mean_bytes = sum(map(len, frames)) / len(frames)
        print(
            f"{make:<10}{len(frames):>10}{mean_bytes:>12.0f}{encode_rate:>14,.0f}{decode_rate:>14,.0f}{generic_rate:>14,.0f}"
        )


if __name__ == "__main__":
    main()
