"""Frame templates read a list exactly as the full decode does: same readings, same models, same errors."""

from pathlib import Path

import pytest

from meter_profiles import get_profile
from simulator.codec import FrameDecoder, FrameError, build_frame, encode_frame, parse_frame
from tests.simulator.codec.variants import sample_reading, variants

CAPTURES = Path(__file__).parents[3] / "captures"


def _capture_frames(path: Path) -> list[bytes]:
    lines = path.read_text().splitlines()
    return [bytes.fromhex(line.rpartition("\t")[2]) for line in lines if line and not line.startswith("#")]


def _in_full(decoder: FrameDecoder, frame: bytes) -> dict:
    """What the full decode, every layer and the profile match, reads from a frame."""
    return decoder._decode_in_full(parse_frame(frame))


def _assert_agree(frames: list[bytes]) -> FrameDecoder:
    """Decode frames in order with templates and without; both must give the same readings, in the same key order."""
    fast, full = FrameDecoder(), FrameDecoder()
    for number, frame in enumerate(frames):
        ours, theirs = fast.decode(frame), _in_full(full, frame)
        assert list(ours.items()) == list(theirs.items()), f"frame {number}"
    return fast


@pytest.mark.parametrize("path", sorted(CAPTURES.glob("*.log")), ids=lambda p: p.stem)
def test_templates_read_every_captured_frame_as_the_full_decode_does(path):
    frames = _capture_frames(path)
    decoder = _assert_agree(frames)
    assert 0 < decoder._template_count <= 6  # a few a list (before and after its model is seen): the rest used them


def test_templates_read_frames_of_unknown_models_and_extra_codes_as_the_full_decode_does():
    _assert_agree([variant.frame for variant in variants()] * 2)


def test_a_list_that_names_no_model_goes_to_the_model_last_seen_through_templates_too():
    h4, h3e = get_profile("kaifa-ma304h4"), get_profile("kaifa-ma304h3e")
    frames = [encode_frame(p, n, sample_reading(p, n)) for p in (h4, h3e, h4) for n in (2, 1, 1)]
    decoder = _assert_agree(frames)
    assert [decoder.decode(frame)["meter"] for frame in frames[-3:]] == ["kaifa-ma304h4"] * 3


def test_a_frame_that_differs_in_a_fixed_byte_is_read_in_full():
    profile = get_profile("kamstrup-6841121")
    reading = sample_reading(profile, 2)
    decoder = FrameDecoder()
    decoder.decode(encode_frame(profile, 2, reading))
    other_model = {**reading, "meter_type": "6841131BN243101040"}  # same length: only fixed bytes differ
    assert decoder.decode(encode_frame(profile, 2, other_model))["meter"] == "kamstrup-6841131"
    other_meter = {**reading, "meter_id": reading["meter_id"][:-1] + "9"}
    assert decoder.decode(encode_frame(profile, 2, other_meter))["meter_id"] == other_meter["meter_id"]


def test_a_templated_list_with_an_impossible_clock_gets_the_full_decodes_error():
    profile = get_profile("kaifa-ma304h3e")
    frame = encode_frame(profile, 2, sample_reading(profile, 2))
    hdlc = parse_frame(frame)
    info = bytearray(hdlc.info)
    info[12] = 13  # the header date-time's month (09 0C, then the year's two bytes)
    broken = build_frame(hdlc.dst, hdlc.src, hdlc.control, bytes(info))
    decoder = FrameDecoder()
    decoder.decode(frame)
    with pytest.raises(FrameError) as templated:
        decoder.decode(broken)
    with pytest.raises(FrameError) as in_full:
        _in_full(FrameDecoder(), broken)
    assert str(templated.value) == str(in_full.value) and "not a valid time" in str(in_full.value)


def test_a_decoder_keeps_a_bounded_number_of_templates():
    profile = get_profile("kamstrup-6841121")
    reading = sample_reading(profile, 2)
    decoder = FrameDecoder()
    for serial in range(100):
        meter_id = reading["meter_id"][:-3] + f"{serial:03d}"
        decoded = decoder.decode(encode_frame(profile, 2, {**reading, "meter_id": meter_id}))
        assert decoded["meter_id"] == meter_id
    assert decoder._template_count == 64
