"""Lists longer than one frame: HDLC segmentation and M-Bus long frames, split and joined both ways."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter_profiles import get_profile
from meter_profiles.schema import MbusSettings
from simulator.codec import FrameError, HdlcDeframer, parse_frame
from simulator.codec.link import LinkDecoder, LinkEncoder
from simulator.codec.mbus import build_mbus_frames, parse_mbus_frame
from simulator.codec.segments import NumberedJoiner, Reassembler, build_segmented, split_frames

from .link_support import emissions

LLC = b"\xe6\xe7\x00"


@given(body=st.binary(min_size=1, max_size=1500), max_info=st.integers(16, 300))
def test_segmented_hdlc_joins_back_to_the_same_information_field(body, max_info):
    info = LLC + body
    frames = split_frames(build_segmented(b"\x41", b"\x08\x83", 0x13, info, max_info))
    parsed = [parse_frame(frame) for frame in frames]
    assert len(frames) == -(-len(info) // max_info)
    # The segmentation bit on every piece but the last, and no piece above max_info.
    assert [p.segmented for p in parsed] == [True] * (len(frames) - 1) + [False]
    assert all(len(p.info) <= max_info for p in parsed)
    joiner = Reassembler()
    assert [joiner.feed(p) for p in parsed] == [None] * (len(frames) - 1) + [info]


def test_the_streaming_deframer_finds_every_piece():
    data = build_segmented(b"\x41", b"\x08\x83", 0x13, LLC + bytes(range(256)) * 2, 128)
    assert b"".join(HdlcDeframer().feed(data)) == data and len(split_frames(data)) == 5


def test_a_list_that_loses_its_last_piece_is_dropped_and_the_next_list_read():
    first = split_frames(build_segmented(b"\x41", b"\x08\x83", 0x13, LLC + bytes(300), 128))
    second = split_frames(build_segmented(b"\x41", b"\x08\x83", 0x13, LLC + bytes(range(200)), 128))
    joiner = Reassembler()
    results = [joiner.feed(parse_frame(frame)) for frame in first[:-1] + second]
    assert results[-1] == LLC + bytes(range(200)) and joiner.dropped == 1


@given(apdu=st.binary(min_size=1, max_size=3000), size=st.integers(1, 250))
def test_mbus_long_frames_join_back_to_the_same_apdu(apdu, size):
    settings = MbusSettings(max_segment=size)
    if -(-len(apdu) // size) > 16:
        with pytest.raises(FrameError, match="the CI field numbers at most 16"):
            build_mbus_frames(apdu, settings)
        return
    frames = [parse_mbus_frame(frame) for frame in split_frames(build_mbus_frames(apdu, settings))]
    assert [f.sequence for f in frames] == list(range(len(frames))) and [f.last for f in frames][-1]
    assert all((f.control, f.address, f.stsap, f.dtsap) == (0x53, 0xFF, 0x01, 0x67) for f in frames)
    joiner = NumberedJoiner(first=0)
    assert [joiner.feed(f.sequence, f.last, f.piece) for f in frames][-1] == apdu


def test_an_mbus_long_frame_is_laid_out_as_en_13757_says():
    frame = build_mbus_frames(b"\xdb\x08", MbusSettings())
    assert (
        frame.hex(" ").upper()
        == "68 07 07 68 53 FF 10 01 67 DB 08 "
        + f"{(0x53 + 0xFF + 0x10 + 0x01 + 0x67 + 0xDB + 0x08) & 0xFF:02X}"
        + " 16"
    )


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda f: f[:1] + b"\x09" + f[2:], "the two L fields differ"),
        (lambda f: f[:-2] + bytes(((f[-2] + 1) & 0xFF,)) + f[-1:], "bad checksum"),
        (lambda f: f[:-1] + b"\x00", "must end with 16"),
        (lambda f: f[:-3] + f[-2:], "L says 13 bytes in all but 12 came"),
    ],
)
def test_a_damaged_mbus_frame_is_refused_with_what_is_wrong(edit, message):
    frame = build_mbus_frames(b"\xdb\x08", MbusSettings())
    with pytest.raises(FrameError, match=message):
        parse_mbus_frame(edit(frame))


def test_a_piece_out_of_turn_drops_the_open_apdu():
    settings = MbusSettings(max_segment=10)
    frames = [parse_mbus_frame(f) for f in split_frames(build_mbus_frames(bytes(range(30)), settings))]
    joiner = NumberedJoiner(first=0)
    assert [joiner.feed(f.sequence, f.last, f.piece) for f in (frames[0], frames[2])] == [None, None]
    assert joiner.dropped == 1
    assert [joiner.feed(f.sequence, f.last, f.piece) for f in frames][-1] == bytes(range(30))


def test_the_swedish_aidon_long_list_goes_in_segments_and_decodes():
    profile = get_profile("aidon-6534-se")
    encoder, decoder = LinkEncoder(profile), LinkDecoder()
    for emission in emissions(profile, 3):
        frames = split_frames(encoder.encode(emission.list_no, emission.reading).data)
        assert len(frames) == 4 and max(len(f) for f in frames) <= 128 + 12
        readings = [decoder.feed(frame) for frame in frames]
        *pieces, last = readings
        assert pieces == [None] * 3 and last is not None
        assert last["meter"] == "aidon-6534-se"
        assert {key: last[key] for key in emission.reading} == emission.reading


def test_bytes_that_start_no_frame_are_named():
    with pytest.raises(FrameError, match=r"byte 0 \(41\) starts neither an HDLC nor an M-Bus frame"):
        split_frames(b"AB")


@given(data=st.data())
def test_a_damaged_ciphered_list_in_valid_frames_raises_frame_error_never_anything_else(data):
    """A ciphered list with bytes changed, cut or added, then framed with right CRCs (so the damage
    reaches the deciphering): a FrameError or a reading, never another exception."""
    from .link_support import KEYS, RING

    profile = get_profile(data.draw(st.sampled_from(["kamstrup-omnipower-dk", "kaifa-ma309m-at"])))
    emission = emissions(profile, 1)[0]
    frames = split_frames(LinkEncoder(profile, KEYS).encode(emission.list_no, emission.reading).data)
    apdu = bytearray(b"".join(parse_frame(f).info[3:] if f[0] == 0x7E else parse_mbus_frame(f).piece for f in frames))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(apdu)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and at < len(apdu):
            apdu[at] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del apdu[at:]
        else:
            apdu[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    if profile.transport.kind == "mbus":
        damaged = build_mbus_frames(bytes(apdu), profile.transport.mbus)
    else:
        damaged = build_segmented(profile.hdlc.dst, profile.hdlc.src, 0x13, LLC + bytes(apdu), None)
    decoder = LinkDecoder(keys=RING)
    for frame in split_frames(damaged):
        try:
            decoder.feed(frame)
        except FrameError:
            pass


def test_general_block_transfer_blocks_are_laid_out_as_the_green_book_says():
    from simulator.codec.blocks import build_blocks, read_block

    blocks = build_blocks(bytes(range(10)), 4)
    assert [b.hex(" ").upper() for b in blocks] == [
        "E0 41 00 01 00 00 04 00 01 02 03",  # streaming, window 1, block 1, nothing acknowledged
        "E0 41 00 02 00 00 04 04 05 06 07",
        "E0 C1 00 03 00 00 02 08 09",  # the last block
    ]
    assert [tuple(read_block(b)) for b in blocks][-1] == (3, True, b"\x08\x09")
    with pytest.raises(FrameError, match="the length field says 2 bytes but 1 follow"):
        read_block(blocks[-1][:-1])


def _in_blocks(name: str, size: int):
    """The profile with its APDU sent in General Block Transfer blocks of `size` bytes."""
    profile = get_profile(name)
    return profile.model_copy(update={"transport": profile.transport.model_copy(update={"block_size": size})})


@pytest.mark.parametrize("name", ["kamstrup-omnipower-dk", "kaifa-ma309m-at"])
def test_a_ciphered_list_in_blocks_joins_and_a_lost_block_drops_only_its_list(name):
    from .link_support import KEYS, RING

    profile = _in_blocks(name, 64)
    encoder, decoder = LinkEncoder(profile, KEYS), LinkDecoder({profile.name: profile}, RING)
    first, second = emissions(profile, 2)
    frames = split_frames(encoder.encode(first.list_no, first.reading).data)
    assert len(frames) >= 3
    assert [decoder.feed(f) for f in frames[:1] + frames[2:]] == [None] * (len(frames) - 1)  # block 2 lost
    readings = [decoder.feed(f) for f in split_frames(encoder.encode(second.list_no, second.reading).data)]
    last = readings[-1]
    assert last is not None and {key: last[key] for key in second.reading} == second.reading


@given(noise=st.lists(st.binary(max_size=30), min_size=4, max_size=4), cuts=st.lists(st.integers(1, 50), max_size=20))
def test_the_mbus_deframer_finds_every_frame_among_noise_in_any_pieces(noise, cuts):
    from simulator.codec.mbus import MbusDeframer

    frames = split_frames(build_mbus_frames(bytes(range(256)) * 2, MbusSettings(max_segment=200)))
    frames.append(build_mbus_frames(b"\xdb\x08", MbusSettings()))
    stream = b"".join(n + f for n, f in zip(noise, frames))
    deframer, found, at = MbusDeframer(), [], 0
    for cut in cuts + [len(stream)]:
        found += deframer.feed(stream[at : at + cut])
        at += cut
    found += deframer.feed(stream[at:])
    # Noise can hold a frame-like run of its own only if it has a valid checksum and stop byte: never the real ones' loss.
    assert [f for f in found if f in frames] == frames
