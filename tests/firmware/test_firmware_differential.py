"""The firmware's decoder and the Python decoder agree on every frame both read.

The frames: every captured frame, the reference frames, and frames of models no
profile has (tests/simulator/codec/variants.py: other meter types and list versions,
extra, missing and reordered OBIS codes, for every bundled list), and frames
with more unknown OBIS codes than the firmware keeps. The core's handecode
tool decodes them all in one run; the classic document it writes and its list
number are held to the Python decoder's reading, its "extra" (numbers under
OBIS codes no field has, keyed by code) to the Python decoder's `extra` up to
the firmware's bound: the first MAX_EXTRAS numbers of a list. A text under an
unknown code is the Python decoder's alone.
"""

import json
import subprocess

import pytest

from simulator.codec import FrameDecoder, build_frame, parse_frame
from simulator.codec.apdu import read_notification
from simulator.codec.axdr import ARRAY, STRUCTURE, encode_tree, parse_value
from tests.firmware.harness import CAPTURES, MAX_EXTRAS, capture_frames, expected_document
from tests.firmware.test_firmware_frames import assert_same_document
from tests.oracles import REFERENCE
from tests.simulator.codec.variants import variants

_U16, _OCTET_STRING = 0x12, 0x09


def _unknown_codes(count: int) -> list[tuple]:
    """A text, then `count` numbers, under OBIS codes no canonical field has (1.1.C.7.0.255, C from 13 up)."""
    codes = [bytes((1, 1, 13 + c, 7, 0, 255)) for c in range(count + 1)]
    return [(codes[0], (_OCTET_STRING, b"text")), *((code, (_U16, 900 + n)) for n, code in enumerate(codes[1:]))]


def with_items(frame: bytes, items: list[tuple], scaler: int | None = None) -> bytes:
    """The frame with (OBIS code, value) items added to its list in its layout; Aidon's structures with the scaler."""
    hdlc = parse_frame(frame)
    start = read_notification(hdlc.info).body_start
    (tag, children), _ = parse_value(hdlc.info, start)
    if tag == ARRAY:
        scaler_unit = [] if scaler is None else [(STRUCTURE, [(0x0F, scaler), (0x16, 255)])]
        added = [(STRUCTURE, [(_OCTET_STRING, code), value, *scaler_unit]) for code, value in items]
    else:
        added = [part for code, value in items for part in ((_OCTET_STRING, code), value)]
    body = encode_tree((tag, [*children, *added]))
    return build_frame(hdlc.dst, hdlc.src, hdlc.control, hdlc.info[:start] + body)


def _frames() -> list[tuple[str, bytes]]:
    named = [
        (f"{log.name} frame {i}", f)
        for log in sorted(CAPTURES.glob("*.log"))
        for i, f in enumerate(capture_frames(log.name))
    ]
    named += [(f"reference {name}", bytes.fromhex(entry["hex"])) for name, entry in sorted(REFERENCE.items())]
    named += [(f"variant {v.name}", v.frame) for v in variants()]
    named += [
        (f"{name} with {count} unknown codes", with_items(bytes.fromhex(REFERENCE[name]["hex"]), _unknown_codes(count)))
        for name in ("kamstrup-l1-no09", "aidon-3p-l3")
        for count in (MAX_EXTRAS, MAX_EXTRAS + 2)
    ]
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
    return [(name, frame, result) for (name, frame), result in zip(frames, results, strict=True)]


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


def test_the_firmware_keeps_its_bound_of_extras_in_list_order(firmware_results):
    over = [result for name, _, result in firmware_results if f"with {MAX_EXTRAS + 2} unknown codes" in name]
    assert len(over) == 2
    for result in over:
        assert list(result["doc"]["data"]["extra"]) == [f"1.1.{14 + n}.7.0.255" for n in range(MAX_EXTRAS)]
