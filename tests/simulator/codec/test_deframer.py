"""The streaming deframer: every valid frame out, untouched, whatever is around or inside the others."""

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from simulator.codec import FrameError, HdlcDeframer, build_frame, parse_frame

CAPTURES = Path(__file__).parents[3] / "captures"

addresses = st.sampled_from([b"\x01", b"\x02\x01", b"\x2b", b"\x21", b"\x41", b"\x08\x83", b"\x00\x00\x00\x01"])
# Information fields rich in flag bytes, since AMS frames are not byte-stuffed.
infos = st.binary(min_size=0, max_size=300) | st.lists(st.sampled_from([0x7E, 0xA0, 0x00, 0xFF]), max_size=60).map(
    bytes
)
frames = st.builds(build_frame, addresses, addresses, st.integers(0, 255), infos)
garbage = st.binary(max_size=80) | st.lists(st.sampled_from([0x7E, 0xA0, 0xA1, 0x01, 0x10]), max_size=40).map(bytes)


@st.composite
def streams(draw):
    """A byte stream of frames with garbage between them, some frames corrupted by garbage inside."""
    stream, expected = bytearray(), []
    for frame in draw(st.lists(frames, min_size=1, max_size=8)):
        stream += draw(garbage)
        if draw(st.booleans()):
            # Inside: anywhere before the last FCS byte (garbage between the FCS and the
            # closing flag that starts with a flag leaves a valid frame, by HDLC's rules).
            cut = draw(st.integers(1, len(frame) - 2))
            stream += frame[:cut] + draw(st.binary(min_size=1, max_size=20)) + frame[cut:]
        else:
            stream += frame
            expected.append(frame)
    stream += draw(garbage)
    # Garbage may by chance (or by hypothesis's cunning) hold a whole valid frame,
    # which is then a frame on the wire: keep only streams whose valid frames are
    # exactly the untouched ones, by a brute-force search of every flag-to-flag span.
    assume(_every_valid_span(bytes(stream)) == expected)
    return bytes(stream), expected


def _every_valid_span(stream: bytes) -> list[bytes]:
    flags = [i for i, byte in enumerate(stream) if byte == 0x7E]
    found = []
    for i in flags:
        for j in (j for j in flags if j > i):
            try:
                parse_frame(stream[i : j + 1])
            except FrameError:
                continue
            found.append(stream[i : j + 1])
    return found


def _feed_in_pieces(data: bytes, sizes: list[int]) -> list[bytes]:
    deframer, out, pos = HdlcDeframer(), [], 0
    for size in sizes:
        out += deframer.feed(data[pos : pos + size])
        pos += size
    return out + deframer.feed(data[pos:])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(streams(), st.lists(st.integers(1, 64), max_size=40))
def test_yields_exactly_the_untouched_frames(stream_and_frames, sizes):
    stream, expected = stream_and_frames
    assert _feed_in_pieces(stream, sizes) == expected


@settings(max_examples=100)
@given(st.lists(frames, min_size=2, max_size=5), st.data())
def test_a_truncated_frame_never_delays_the_next(good, data):
    """The frame after a truncation comes out as soon as its own last byte is in."""
    cut = data.draw(st.integers(1, len(good[0]) - 2))
    stream = good[0][:cut] + b"".join(good[1:])
    assert HdlcDeframer().feed(stream) == good[1:]


def test_a_whole_capture_fed_byte_by_byte():
    lines = [
        line.split("\t")[1].strip()
        for line in open(CAPTURES / "kamstrup-6841121-2017-10-20.log")
        if not line.startswith("#")
    ]
    stream = bytes.fromhex("".join(lines))
    deframer = HdlcDeframer()
    out = [frame for i in range(len(stream)) for frame in deframer.feed(stream[i : i + 1])]
    assert [frame.hex().upper() for frame in out] == lines
    assert deframer.stats.frames == len(lines) and deframer.stats.discarded_bytes == 0


def test_frames_may_share_a_flag():
    first = build_frame(b"\x01", b"\x02\x01", 0x10, b"\xe6\xe7\x00one")
    second = build_frame(b"\x01", b"\x02\x01", 0x10, b"\xe6\xe7\x00two")
    deframer = HdlcDeframer()
    assert deframer.feed(first[:-1] + second) == [first, second]
    assert deframer.stats.discarded_bytes == 0


def test_stats_count_what_was_thrown_away():
    frame = build_frame(b"\x01", b"\x02\x01", 0x10, b"\xe6\xe7\x00hello")
    bad = bytearray(frame)
    bad[-2] ^= 0xFF
    deframer = HdlcDeframer()
    assert deframer.feed(b"noise" + bytes(bad) + frame) == [frame]
    assert deframer.stats.bad_crc == 1 and deframer.stats.frames == 1
    assert deframer.stats.discarded_bytes == len(b"noise") + len(bad)
