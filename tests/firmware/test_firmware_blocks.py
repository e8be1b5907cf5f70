"""The host firmware joins General Block Transfer over a pty: the simulator's blocks, plain or ciphered, in HDLC
frames (segmented or not) or M-Bus long frames, publish the list the Python link decoder reads from them; a lost,
repeated or swapped block drops that APDU alone, counted once in status as segments_lost (as an M-Bus piece's)."""

from typing import Any

import pytest

from meter_profiles import get_profile
from simulator.codec.link import LinkDecoder, LinkEncoder
from simulator.codec.segments import split_frames
from tests.firmware.harness import expected_document
from tests.firmware.test_firmware_frames import assert_same_document
from tests.firmware.test_firmware_link import counted, keyed_rig, link_counts, status
from tests.simulator.codec.link_support import KEYS, RING, emissions

# (profile, block size): Norway's plaintext, Denmark's ciphered HDLC, Sweden's segmented HDLC, Austria's M-Bus.
IN_BLOCKS = [("kaifa-ma304h3e", 32), ("kamstrup-omnipower-dk", 64), ("aidon-6534-se", 200), ("kaifa-ma309m-at", 48)]


def in_blocks(name: str, size: int):
    """The profile with its APDU sent in General Block Transfer blocks of `size` bytes, as the simulator sends them."""
    profile = get_profile(name)
    return profile.model_copy(update={"transport": profile.transport.model_copy(update={"block_size": size})})


def block_lists(name: str, size: int, count: int) -> tuple[list[list[bytes]], LinkDecoder]:
    """The frames of the meter's first `count` lists, sent in blocks, and a Python decoder for them."""
    profile = in_blocks(name, size)
    encoder = LinkEncoder(profile, KEYS)
    sent = [split_frames(encoder.encode(e.list_no, e.reading).data) for e in emissions(profile, count)]
    return sent, LinkDecoder({profile.name: profile}, RING)


def python_reading(frames: list[bytes], decoder: LinkDecoder) -> dict[str, Any]:
    """The Python decoder's reading of one list's frames, which its last frame completes."""
    reading = [decoder.feed(frame) for frame in frames][-1]
    assert reading is not None, "the list's last frame must complete it"
    return reading


@pytest.mark.parametrize(("name", "size"), IN_BLOCKS)
def test_lists_in_blocks_publish_what_the_python_decoder_reads(firmware_build, broker, tmp_path, name, size):
    sent, decoder = block_lists(name, size, 4)
    assert max(map(len, sent)) > 2, "a list must take several blocks"
    rig = keyed_rig(firmware_build, broker, tmp_path)
    try:
        for n, frames in enumerate(sent):
            document = rig.publishes(b"".join(frames), f"{name} list {n} in blocks of {size}")
            expected = expected_document(python_reading(frames, decoder))
            assert_same_document(document["data"], expected, f"{name} list {n}")
        now = status(rig)
        assert (now["lists"], now["published"]) == ("4", "4"), now
        assert link_counts(rig) == counted()
    finally:
        assert rig.close() == 0


def _lost(frames: list[bytes]) -> list[bytes]:
    return frames[:1] + frames[2:]


def _repeated(frames: list[bytes]) -> list[bytes]:
    return frames[:2] + frames[1:]


def _swapped(frames: list[bytes]) -> list[bytes]:
    return [frames[0], frames[2], frames[1], *frames[3:]]


@pytest.mark.parametrize("fault", [_lost, _repeated, _swapped], ids=["lost", "repeated", "swapped"])
def test_a_block_out_of_turn_drops_its_list_alone_counted_once(firmware_build, broker, tmp_path, fault):
    """Norway's plaintext in blocks of 8 bytes: one frame a block, so a frame's fault is the block's."""
    (broken, whole), decoder = block_lists("kaifa-ma304h3e", 8, 2)
    assert len(broken) > 4
    rig = keyed_rig(firmware_build, broker, tmp_path)
    try:
        rig.line.write(b"".join(fault(broken)))
        document = rig.publishes(b"".join(whole), "the list after the one whose blocks came out of turn")
        assert_same_document(document["data"], expected_document(python_reading(whole, decoder)), "the next list")
        assert link_counts(rig) == counted(segments_lost=1)
        assert status(rig)["lists"] == "1"
    finally:
        assert rig.close() == 0


def test_a_list_in_one_frame_after_blocks_cut_short_counts_their_list_lost(firmware_build, broker, tmp_path):
    (cut,), _ = block_lists("kaifa-ma304h3e", 8, 1)
    profile = get_profile("kaifa-ma304h3e")
    (first,) = emissions(profile, 1)
    plain = LinkEncoder(profile).encode(first.list_no, first.reading)
    rig = keyed_rig(firmware_build, broker, tmp_path)
    try:
        rig.line.write(b"".join(cut[:-1]))
        rig.publishes(plain.data, "a one-frame list after blocks that never ended")
        assert link_counts(rig) == counted(segments_lost=1)
    finally:
        assert rig.close() == 0
