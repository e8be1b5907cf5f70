"""What ciphering, segmentation and M-Bus framing cost: lists per second through the link layer, on one core.

Each meter beyond Norway is measured on an hour of its pushes (one sample
reading per list, as bench_codec.py builds them), encoded by LinkEncoder and
decoded by LinkDecoder, against its plaintext twin in one HDLC frame (the
same profile without security and transport settings). On a shared machine
the speed of a run swings with its neighbours, so each repeat times the
meter and its twin back to back and the cost is the median of those ratios.
No target: the figures say what the link layer adds to a list's cost.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from bench_codec import REPEATS, hourly_mix, sample_reading

from meter_profiles import get_profile
from meter_profiles.schema import TransportSettings
from simulator.codec.link import LinkDecoder, LinkEncoder
from simulator.codec.security import KeyRing, Keys
from simulator.codec.segments import split_frames

METERS = ("kamstrup-omnipower-dk", "kaifa-ma309m-at", "aidon-6534-se")
KEYS = Keys(bytes(range(16)), bytes(range(16, 32)))


def workloads(profile):
    """Encode and decode an hour of this profile's pushes: two functions, the list count and the bytes a list."""
    readings = {n: sample_reading(profile, n) for n in profile.lists}
    jobs = [(n, readings[n]) for n in hourly_mix(profile)]
    keys = KEYS if profile.security else None

    def encode_all() -> list[bytes]:
        encoder = LinkEncoder(profile, keys)  # a fresh meter: its frame counter from the start
        return [encoder.encode(n, r).data for n, r in jobs]

    pieces = [split_frames(data) for data in encode_all()]

    def decode_all() -> None:
        decoder = LinkDecoder({profile.name: profile}, KeyRing(default=KEYS))  # a fresh reader: no counter seen
        for frames in pieces:
            for frame in frames:
                decoder.feed(frame)

    size = sum(len(frame) for frames in pieces for frame in frames) / len(pieces)
    return encode_all, decode_all, len(jobs), size


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    print(
        f"{'meter':<24}{'link':<26}{'bytes':>6}{'encode l/s':>12}{'plain':>9}{'x':>6}{'decode l/s':>12}{'plain':>9}{'x':>6}"
    )
    for name in METERS:
        profile = get_profile(name)
        plain = profile.model_copy(update={"security": None, "transport": TransportSettings()})
        (enc, dec, count, size), (plain_enc, plain_dec, _, _) = workloads(profile), workloads(plain)
        runs = [(seconds(enc), seconds(plain_enc), seconds(dec), seconds(plain_dec)) for _ in range(REPEATS)]
        columns = list(zip(*runs))
        rates = [count / statistics.median(column) for column in columns]
        costs = [statistics.median(a / b for a, b in zip(columns[i], columns[i + 1])) for i in (0, 2)]
        print(
            f"{name:<24}{_link(profile):<26}{size:>6.0f}{rates[0]:>12,.0f}{rates[1]:>9,.0f}{costs[0]:>6.2f}"
            f"{rates[2]:>12,.0f}{rates[3]:>9,.0f}{costs[1]:>6.2f}"
        )


def _link(profile) -> str:
    words = ["M-Bus" if profile.transport.kind == "mbus" else "HDLC"]
    if profile.transport.max_info:
        words.append(f"{profile.transport.max_info}-byte segments")
    if profile.security:
        words.append("ciphered" + (", tag" if profile.security.mode == "authenticated-encryption" else ""))
    return ", ".join(words)


if __name__ == "__main__":
    main()
