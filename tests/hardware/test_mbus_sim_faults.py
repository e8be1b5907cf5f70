"""The emulator's fault plans through the gateware in simulation: a correct reader gets exactly what the sent log
expects, and a stand-in reader that ignores what the fault does gets something else.

The bytes are those the simulated line hands its pty: the gateware's levels
through the TSS721-like receiver model and a UART, so a stretched start bit or
a spike is misread as a real reader's UART misreads it.
"""

from datetime import datetime
from functools import cache

import pytest

from hardware.bridge import MbusSimLine
from meter_profiles import get_profile
from simulator.codec import FrameError, HdlcDeframer, decode_frame
from simulator.faults import load_plans
from simulator.run import SentEntry, SentLog, run_meter
from tests.bench.fake_reader import ChecksumBlind
from tests.simulator.support import PtyTap

PROFILE = get_profile("kaifa-ma304h3e")  # 2400 8E1, a list every 2 s
FLAG = 0x7E


class BackToBack:
    """Takes each frame to start where the last one ended, by its length field, never hunting for the flag."""

    def feed(self, data: bytes) -> list[bytes]:
        frames, pos = [], 0
        while pos + 3 <= len(data):
            end = pos + (int.from_bytes(data[pos + 1 : pos + 3], "big") & 0x7FF) + 2
            frames.append(data[pos:end])
            pos = end
        return frames


class FlagPairs:
    """Pairs flags as opening and closing, never looking at the length field."""

    def feed(self, data: bytes) -> list[bytes]:
        frames, start = [], None
        for index, byte in enumerate(data):
            if byte == FLAG and start is None:
                start = index
            elif byte == FLAG:
                frames.append(data[start : index + 1])
                start = None
        return frames


CASES = [
    # plan, meter seconds, a stand-in reader that ignores what the plan does
    ("stretch", 120, ChecksumBlind),  # publishes the misread byte's frame, its FCS mended
    ("glitch", 60, BackToBack),  # reads the spurious byte as the next frame's first
    ("power-off", 40, FlagPairs),  # the cut frame's missing closing flag puts it out of step
]


@cache
def bus_run(plan: str, seconds: float) -> tuple[list[SentEntry], bytes]:
    """A Kaifa meter under one plan through the gateware: the sent log's entries and the bytes the reader got."""
    line, sent = MbusSimLine(PROFILE.serial, realtime=False), SentLog()
    with line:
        tap = PtyTap(line.reader_path)
        stats = run_meter(
            PROFILE,
            line,
            scenario="household-day",
            start="2026-03-02T08:59:00",
            duration_s=seconds,
            warp=None,
            faults=load_plans(plan),
            sent_log=sent,
        )
        data = tap.close(expect_bytes=len(line.received))
    assert stats.faults[plan] > 0, f"plan {plan} applied no fault"
    assert data == bytes(line.received)
    return sent.entries, data


def published(frames: list[bytes]) -> list[dict]:
    """The values a reader publishes from the frames it took: those that decode."""
    out = []
    for frame in frames:
        try:
            out.append(decode_frame(frame))
        except FrameError:
            continue
    return out


@pytest.mark.parametrize("plan, seconds, stand_in", CASES, ids=[case[0] for case in CASES])
def test_a_correct_reader_passes_and_one_that_ignores_the_fault_fails(plan, seconds, stand_in):
    entries, data = bus_run(plan, seconds)
    expected = published([bytes.fromhex(entry["frame"]) for entry in entries if entry["expect_publish"]])
    assert expected
    assert published(HdlcDeframer().feed(data)) == expected
    assert published(stand_in().feed(data)) != expected


def test_a_stretched_start_bit_misreads_exactly_one_byte_of_the_frame():
    entries, data = bus_run("stretch", 120)
    frames = HdlcDeframer().feed(data)  # checked frames only: the misread ones are dropped
    struck = [entry for entry in entries if not entry["expect_publish"]]
    assert struck and len(frames) == len(entries) - len(struck)
    sent = b"".join(bytes.fromhex(entry["frame"]) for entry in entries)
    assert len(data) == len(sent)
    assert sum(a != b for a, b in zip(data, sent, strict=True)) == len(struck)


def test_a_glitch_is_one_spurious_byte_before_the_frame():
    entries, data = bus_run("glitch", 60)
    struck = [entry for entry in entries if entry["faults"]]
    assert struck and all(entry["expect_publish"] for entry in entries)
    assert len(data) == sum(len(entry["frame"]) // 2 for entry in entries) + len(struck)


def test_a_power_off_cuts_the_frame_and_the_falling_bus_reads_as_one_break():
    entries, data = bus_run("power-off", 40)
    [cut] = [entry for entry in entries if entry["faults"]]
    assert not cut["expect_publish"] and cut["seq"] == 10
    # The slot 2 s later fell in the 3 s outage: the meter was off, nothing was sent; the next is 4 s later.
    times = [datetime.fromisoformat(entry["meter_time"]) for entry in entries[10:12]]
    assert (times[1] - times[0]).total_seconds() == 4 and len(entries) == 19
    # The reader got every byte up to the cut, one 00 as the bus fell (space to a receiver until its
    # reference decays), then nothing until the first frame after power returned.
    before = b"".join(bytes.fromhex(entry["frame"]) for entry in entries[:11])
    after = b"".join(bytes.fromhex(entry["frame"]) for entry in entries[11:])
    assert data == before + b"\x00" + after
