"""HDLC framing: CRC-16/X.25, building and checking frames, and the messages of a bad frame."""

import pytest

from simulator.codec import FrameError, build_frame, crc16_x25, parse_frame

KAIFA_L1 = bytes.fromhex("7EA027010201105A87E6E7000F40000000090C07E1090E04131F02FF80000002010600000398ABAD7E")


def test_crc16_x25_check_value():
    assert crc16_x25(b"123456789") == 0x906E


def test_build_rebuilds_a_real_frame():
    parts = parse_frame(KAIFA_L1)
    assert (parts.dst, parts.src, parts.control) == (b"\x01", b"\x02\x01", 0x10)
    assert build_frame(parts.dst, parts.src, parts.control, parts.info) == KAIFA_L1


def _with(frame: bytes, index: int, value: int) -> bytes:
    changed = bytearray(frame)
    changed[index] = value
    return bytes(changed)


@pytest.mark.parametrize(
    "frame, message",
    [
        (_with(KAIFA_L1, 8, 0x00), r"bad HCS 005A, expected 875A"),
        (_with(KAIFA_L1, 20, 0x00), r"bad FCS ADAB, expected"),
        (KAIFA_L1[:-5] + KAIFA_L1[-1:], r"truncated: the length field says 39 bytes between the flags but 35 came"),
        (KAIFA_L1 + b"\x00", r"the length field says 39 bytes between the flags but 40 came"),
        (KAIFA_L1[:-1] + b"\x7f", r"frame must end with flag 7E, not 7F"),
        (b"\x00" + KAIFA_L1[1:], r"frame must start with flag 7E, not 00"),
        (_with(KAIFA_L1, 1, 0x80), r"format field must be type 3 \(A...\), not 8027"),
        (KAIFA_L1[:6], r"shorter than the 11 an HDLC frame needs"),
    ],
    ids=["hcs", "fcs", "truncated", "too-long", "end-flag", "start-flag", "format", "short"],
)
def test_bad_frames_are_refused_with_what_is_wrong(frame, message):
    with pytest.raises(FrameError, match=message):
        parse_frame(frame)


def test_a_frame_too_long_for_the_length_field_cannot_be_built():
    with pytest.raises(FrameError, match=r"longer than the 11-bit length field allows \(2047\)"):
        build_frame(b"\x01", b"\x03", 0x10, bytes(2040))
