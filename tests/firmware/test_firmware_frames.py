"""The host firmware fed over a pty publishes what the meter sent, in the classic document."""

import math

import pytest

from simulator.codec import decode_frame
from tests.firmware.harness import capture_frames, expected_document
from tests.oracles import REFERENCE, reference_reading

CAPTURE_FILES = ["kaifa-ma304h3e-2017-09-14.log", "kaifa-ma304h3e-2017-09-15.log", "kamstrup-6841121-2017-10-20.log"]
# Frames written back to back before their documents are read: well under the broker's queue limit.
CHUNK = 200


def assert_same_document(published: dict, expected: dict, where: str) -> None:
    """Same keys, equal text, numbers equal to 1e-9 relative."""
    assert set(published) == set(expected), f"{where}: keys {sorted(published)} != {sorted(expected)}"
    for key, want in expected.items():
        got = published[key]
        if isinstance(want, dict):  # the extras, keyed by OBIS code
            assert_same_document(got, want, f"{where}: {key}")
        elif isinstance(want, str):
            assert got == want, f"{where}: {key} = {got!r}, expected {want!r}"
        else:
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {key} = {got}, expected {want}"


@pytest.mark.parametrize("name", list(REFERENCE))
def test_reference_frame_publishes_its_reference_values(rig, name):
    entry = REFERENCE[name]
    reading = reference_reading(name)
    document = rig.publishes(bytes.fromhex(entry["hex"]), f"reference frame {name}")
    assert_same_document(document["data"], expected_document(reading), name)


def test_classic_document_carries_id_uptime_and_time(rig):
    import time

    before = int(time.time())
    document = rig.publishes(bytes.fromhex(REFERENCE["kaifa-l2"]["hex"]), "kaifa list 2")
    assert set(document) == {"id", "up", "t", "data"}
    assert document["id"].startswith("host-")
    assert 0 <= document["up"] < 60_000
    assert before - 1 <= document["t"] <= int(time.time()) + 1


@pytest.mark.parametrize("capture", CAPTURE_FILES)
def test_every_captured_frame_publishes_what_the_python_decoder_reads(any_rig, capture):
    """All 25,162 captured frames, on the release and the sanitizer build, a chunk back to back at a time."""
    frames = capture_frames(capture)
    for start in range(0, len(frames), CHUNK):
        chunk = frames[start : start + CHUNK]
        any_rig.line.write(b"".join(chunk))
        for index, frame in enumerate(chunk, start):
            document = any_rig.next_document(f"frame {index} of {len(frames)} of {capture}")
            assert_same_document(document["data"], expected_document(decode_frame(frame)), f"{capture} frame {index}")
    assert any_rig.watcher.drain(quiet=0.3) == []
