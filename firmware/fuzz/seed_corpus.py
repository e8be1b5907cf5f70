"""Writes the fuzz corpus seeds: frames from captures/ (as line bytes, first byte 0) and
their information fields (first byte 1), so both harness paths start from real data.

usage: python firmware/fuzz/seed_corpus.py CORPUS_DIR
"""

import hashlib
import sys
import tomllib
from pathlib import Path

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def capture_frames() -> list[bytes]:
    frames = []
    for log in sorted(CAPTURES.glob("*.log")):
        lines = [line for line in log.read_text().splitlines() if line and not line.startswith("#")]
        frames += [bytes.fromhex(line.split("\t")[-1]) for line in lines[::50]]
    for entry in tomllib.loads((CAPTURES / "reference-frames.toml").read_text()).values():
        frames.append(bytes.fromhex(entry["hex"]))
    return frames


def information_field(frame: bytes) -> bytes:
    """The bytes after the HCS and before the FCS; an address ends at the byte with its low bit set."""
    position = 3
    for _address in range(2):
        while not frame[position] & 1:
            position += 1
        position += 1
    return frame[position + 3 : -3]  # control and HCS before, FCS and flag after


def main(corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = set()
    for frame in capture_frames():
        seeds.add(b"\x00" + frame)
        seeds.add(b"\x01" + information_field(frame))
    for seed in seeds:
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{len(seeds)} seeds in {corpus}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
