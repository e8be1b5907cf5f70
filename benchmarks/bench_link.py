"""What ciphering, segmentation and M-Bus framing cost: lists per second through the link layer, on one core.

Each meter beyond Norway is measured on an hour of its pushes (one sample
reading per list, as bench_codec.py builds them), encoded by LinkEncoder and
decoded by LinkDecoder, against its plaintext twin in one HDLC frame (the
same profile without security and transport settings, through encode_frame
and the profiles' decoder). Figures are medians of repeated runs; no target:
the figures say what the link layer adds to a frame's cost.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from bench_codec import hourly_mix, median_rate, sample_reading  # noqa: E402

from meter_profiles import get_profile  # noqa: E402
from meter_profiles.schema import TransportSettings  # noqa: E402
from simulator.codec.link import LinkDecoder, LinkEncoder  # noqa: E402
from simulator.codec.security import KeyRing, Keys  # noqa: E402
from simulator.codec.segments import split_frames  # noqa: E402

METERS = ("kamstrup-omnipower-dk", "kaifa-ma309m-at", "aidon-6534-se")
KEYS = Keys(bytes(range(16)), bytes(range(16, 32)))


def rates(profile) -> tuple[float, float, float]:
    """Mean bytes on the line per list, lists/s encoded, lists/s decoded, for an hour of this profile's pushes."""
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
    return size, median_rate(encode_all, len(jobs)), median_rate(decode_all, len(jobs))


def main() -> None:
    print(f"{'meter':<24}{'link':<28}{'bytes/list':>11}{'encode l/s':>13}{'decode l/s':>13}")
    for name in METERS:
        profile = get_profile(name)
        plain = profile.model_copy(update={"security": None, "transport": TransportSettings()})
        for label, variant in ((_link(profile), profile), ("plaintext, one HDLC frame", plain)):
            size, encode_rate, decode_rate = rates(variant)
            print(f"{name:<24}{label:<28}{size:>11.0f}{encode_rate:>13,.0f}{decode_rate:>13,.0f}")


def _link(profile) -> str:
    words = ["M-Bus" if profile.transport.kind == "mbus" else "HDLC"]
    if profile.transport.max_info:
        words.append(f"segments of {profile.transport.max_info}")
    if profile.security:
        words.append("ciphered " + ("+tag" if profile.security.mode == "authenticated-encryption" else "no tag"))
    return ", ".join(words)


if __name__ == "__main__":
    main()
