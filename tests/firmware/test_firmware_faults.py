"""A damaged frame never publishes a value, and the good frame behind it always does."""

import random

import pytest

from simulator.codec import decode_frame
from tests.firmware.harness import capture_frames, expected_document
from tests.firmware.test_firmware_frames import REFERENCE, assert_same_document


def good_frames() -> list[bytes]:
    """A mix of every make and list: the reference frames and a slice of each capture."""
    frames = [bytes.fromhex(entry["hex"]) for entry in REFERENCE.values()]
    frames += capture_frames("kaifa-ma304h3e-2017-09-14.log")[:6]
    frames += capture_frames("kamstrup-6841121-2017-10-20.log")[:3]
    return frames


def bad_fcs(frame: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(frame)
    damaged[-2 - rng.randrange(2)] ^= 1 + rng.randrange(255)
    return bytes(damaged)


def truncated(frame: bytes, rng: random.Random) -> bytes:
    return frame[: rng.randrange(1, len(frame) - 1)]


def garbage(frame: bytes, rng: random.Random) -> bytes:
    # Line noise, with a fair share of flag and frame-format bytes to start false frames.
    noise = bytes(rng.choice([0x7E, 0xA0, 0xA1, rng.randrange(256)]) for _ in range(rng.randrange(1, 200)))
    return noise


def flipped_bits(frame: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(frame)
    for _ in range(rng.randrange(1, 4)):
        damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
    return bytes(damaged)


@pytest.mark.parametrize("damage", [bad_fcs, truncated, garbage, flipped_bits], ids=lambda f: f.__name__)
def test_damaged_frame_never_publishes_and_next_good_frame_does(rig, damage):
    rng = random.Random(f"hanbench-{damage.__name__}")
    frames = good_frames()
    for index, good in enumerate(frames):
        damaged = damage(frames[index - 1], rng)
        assert damaged != frames[index - 1]
        document = rig.publishes(damaged + good, f"the good frame {index} behind a {damage.__name__} one")
        assert_same_document(document["data"], expected_document(decode_frame(good)), f"{damage.__name__} {index}")
    assert rig.watcher.drain(quiet=0.3) == [], "a damaged frame published something"
    assert "line error" in rig.reader.log_text()


def test_serial_auto_switches_parity_after_bad_frames_then_locks(firmware_build, broker, tmp_path):
    from tests.firmware.harness import start_rig

    rig = start_rig(firmware_build, broker, tmp_path, "--serial", "auto")
    try:
        rng = random.Random(7)
        kamstrup = capture_frames("kamstrup-6841121-2017-10-20.log")
        for frame in kamstrup[:3]:
            rig.line.write(bad_fcs(frame, rng))
        rig.reader.wait_log("serial auto: trying 8N1", 5)
        document = rig.publishes(kamstrup[3], "a good Kamstrup frame after the switch")
        assert_same_document(document["data"], expected_document(decode_frame(kamstrup[3])), "after switch")
        rig.reader.wait_log("serial auto: locked at 8N1", 5)
    finally:
        assert rig.close() == 0
