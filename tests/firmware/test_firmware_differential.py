"""The firmware's decoder and the Python decoder agree on every frame both read.

The frames: every captured frame, the reference frames, and frames of models no
profile has (tests/codec/variants.py: other meter types and list versions,
extra, missing and reordered OBIS codes, for every bundled list). The core's
handecode tool decodes them all in one run; the classic document it writes
and its list number are held to the Python decoder's reading. OBIS codes the
firmware does not publish (the Python decoder's `extra`) are not compared: the
classic document has no place for them.
"""

import json
import subprocess

import pytest

from simulator.codec import FrameDecoder
from tests.codec.variants import variants
from tests.firmware.harness import CAPTURES, capture_frames, expected_document
from tests.firmware.test_firmware_frames import assert_same_document
from tests.oracles import REFERENCE


def _frames() -> list[tuple[str, bytes]]:
    named = [
        (f"{log.name} frame {i}", f)
        for log in sorted(CAPTURES.glob("*.log"))
        for i, f in enumerate(capture_frames(log.name))
    ]
    named += [(f"reference {name}", bytes.fromhex(entry["hex"])) for name, entry in sorted(REFERENCE.items())]
    named += [(f"variant {v.name}", v.frame) for v in variants()]
    return named


@pytest.fixture(scope="module")
def firmware_results(firmware_build, tmp_path_factory) -> list[tuple[str, bytes, dict]]:
    """Every frame with what handecode made of it."""
    frames = _frames()
    listing = tmp_path_factory.mktemp("differential") / "frames.txt"
    listing.write_text("".join(f"{frame.hex().upper()}\n" for _, frame in frames))
    done = subprocess.run(
        [str(firmware_build / "handecode"), str(listing)], capture_output=True, text=True, timeout=120, check=True
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(frames), done.stderr
    return [(name, frame, result) for (name, frame), result in zip(frames, results)]


def test_the_firmware_reads_every_frame_the_python_decoder_reads(firmware_results):
    refused = [name for name, _, result in firmware_results if "error" in result]
    assert refused == []


def test_both_decoders_agree_on_every_frame(firmware_results):
    decoder = FrameDecoder()
    for name, frame, result in firmware_results:
        reading = decoder.decode(frame)
        assert result["list"] == reading["list"], f"{name}: list {result['list']} != {reading['list']}"
        assert result["make"] == reading["meter"].split("-")[0], name
        assert_same_document(result["doc"]["data"], expected_document(reading), name)
