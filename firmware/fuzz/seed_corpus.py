"""Writes each fuzz target's seed corpus: frames from captures/ for fuzz_frames (as line
bytes, first byte 0, and their information fields, first byte 1), and the seeds in
seeds.toml for the link, settings, console, portal and MQTT targets.

usage: python firmware/fuzz/seed_corpus.py CORPUS_ROOT   (one folder per target in it)
"""

import hashlib
import hmac
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAPTURES = HERE.parents[1] / "captures"
# fuzz_board.h's command topic and secret.
COMMAND_TOPIC, COMMAND_SECRET = b"c", b"0123456789abcdef"


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


def frame_seeds() -> set[bytes]:
    seeds = set()
    for frame in capture_frames():
        seeds.add(b"\x00" + frame)
        seeds.add(b"\x01" + information_field(frame))
    return seeds


def signed(counter: int, command: bytes) -> bytes:
    """A command signed as firmware/core/command_auth.h checks it."""
    mac = hmac.new(COMMAND_SECRET, COMMAND_TOPIC + b" %d " % counter + command, "sha256").hexdigest().encode()
    return b"signed %d %s %s" % (counter, mac, command)


def publish(payload: bytes, flags: int = 0) -> bytes:
    """An MQTT 3.1.1 PUBLISH (QoS 0) on the command topic; flags: 1 retained, 8 duplicate."""
    body = len(COMMAND_TOPIC).to_bytes(2, "big") + COMMAND_TOPIC + payload
    length, remaining = bytearray(), len(body)
    while True:  # the remaining length, 7 bits a byte, low first
        length.append((remaining & 0x7F) | (0x80 if remaining > 0x7F else 0))
        remaining >>= 7
        if not remaining:
            return bytes([0x30 | flags]) + bytes(length) + body


def pieces(stream: bytes) -> bytes:
    """fuzz_link's direct form of the frames in a line stream: header (M-Bus, more, number), length, bytes."""
    at, entries = 0, []
    while at < len(stream):
        if stream[at] == 0x7E:
            end = at + ((stream[at + 1] << 8 | stream[at + 2]) & 0x7FF) + 2
            frame = stream[at:end]
            entries.append(
                bytes((2 if frame[1] & 0x08 else 0, len(information_field(frame)))) + information_field(frame)
            )
        else:
            end = at + stream[at + 1] + 6
            ci, piece = stream[at + 6], stream[at + 9 : end - 2]
            entries.append(bytes((1 | (0 if ci & 0x10 else 2) | (ci & 0x0F) << 4, len(piece))) + piece)
        at = end
    return b"".join(entries)


def table_seeds() -> dict[str, set[bytes]]:
    table = tomllib.loads((HERE / "seeds.toml").read_text())
    commands = [line.encode() for line in table["console"]]
    console = {bytes([access]) + line for access in range(3) for line in commands}
    mqtt = {publish(line) for line in commands} | {publish(signed(n + 1, line)) for n, line in enumerate(commands)}
    mqtt |= {publish(b"reboot", 1), publish(b"reboot", 8), b"\x90\x03\x00\x01\x00", b"\xd0\x00"}  # SUBACK, PINGRESP
    streams = [bytes.fromhex(text) for text in table["link"]]
    link = {b"\x00" + stream for stream in streams} | {b"\x01" + pieces(stream) for stream in streams}
    return {
        "link": link,
        "settings": {text.encode() for text in table["settings"]},
        "console": console,
        "portal": {text.encode() for text in table["portal"]},
        "mqtt": mqtt,
    }


def main(root: Path) -> None:
    for target, seeds in {"frames": frame_seeds(), **table_seeds()}.items():
        folder = root / target
        folder.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        print(f"{len(seeds)} seeds in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
