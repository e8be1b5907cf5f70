"""Every fault plan does on the wire what it says: the reader side of a pty, deframed, shows it.

The oracle for "what a correct reader publishes" is the sent log's
expect_publish; the reader here is the codec's streaming deframer, fed the
bytes a pty delivered.
"""

import itertools
from datetime import datetime
from functools import cache

import pytest

from meter_profiles import get_profile
from simulator.codec import FrameError, HdlcDeframer, parse_frame
from simulator.codec.hdlc import DeframerStats
from simulator.faults import FaultError, Injector, bundled_plans, load_plan, load_plans
from simulator.lines import PtyLine
from simulator.run import SentLog, run_meter

from .support import MemoryLine, PtyTap, RecordingLine, private_pty

WARP = 1000  # ten meter minutes in about 0.6 s
# Plans for encrypted or segmented meters have their own tests (test_sim_link_faults.py).
LINK_PLANS = {
    "wrong-key",
    "bad-tag",
    "counter-reset",
    "counter-repeat",
    "lost-segment",
    "repeated-segment",
    "reordered-segment",
}
LINE_ONLY = {"parity-error", "framing-error", "baud-drift"}
# The M-Bus line emulator's own faults (test_sim_bus_faults.py here, tests/hardware through the gateware).
BUS_PLANS = {"stretch", "glitch", "power-off"}
ON_THE_WIRE = sorted(set(bundled_plans()) - LINE_ONLY - LINK_PLANS - BUS_PLANS)


@cache
def plan_run(plan: str):
    """Ten meter minutes (300 slots) of a Kaifa meter under one plan, over a pty: plan, sent log, tap, stats."""
    profile = get_profile("kaifa-ma304h3e")
    sent = SentLog()
    with private_pty(profile.serial) as line:
        tap = PtyTap(line.reader_path)
        stats = run_meter(
            profile,
            line,
            scenario="fixed",
            start="2024-12-31T23:55:00",
            duration_s=600,
            warp=WARP,
            byte_pacing=False,
            faults=load_plans(plan),
            sent_log=sent,
        )
        tap.close(expect_bytes=line.bytes_written)
    return plan, sent.entries, tap, stats


def received_frames(data: bytes) -> tuple[list[str], DeframerStats]:
    deframer = HdlcDeframer()
    return [f.hex().upper() for f in deframer.feed(data)], deframer.stats


def faulted(entries, name):
    return [e for e in entries if any(f["name"] == name for f in e["faults"])]


@pytest.mark.parametrize("plan", ON_THE_WIRE)
def test_a_correct_reader_gets_exactly_the_frames_the_sent_log_expects(plan):
    plan, entries, tap, stats = plan_run(plan)
    frames, _ = received_frames(tap.data)
    assert tap.error is None
    assert frames == [e["frame"] for e in entries if e["expect_publish"]]
    assert sum(stats.faults.values()) > 0, f"plan {plan} applied no fault in ten minutes"
    assert load_plan(plan).expect  # every plan says what a correct reader does


def _crc_error(frame_hex: str) -> str:
    with pytest.raises(FrameError) as error:
        parse_frame(bytes.fromhex(frame_hex))
    return str(error.value)


@pytest.mark.parametrize("plan", ["bad-fcs", "bad-hcs", "truncated", "flipped-bits", "mixed"])
def test_bad_checksums_and_damage_are_where_the_plan_says(plan):
    plan, entries, _tap, _stats = plan_run(plan)
    assert entries
    kinds = {"bad-fcs": "FCS", "bad-hcs": "HCS"}
    for entry in faulted(entries, "bad-fcs") + faulted(entries, "bad-hcs"):
        if len(entry["faults"]) > 1:
            continue  # in a mix, a truncation may come first
        assert any(kinds[f["name"]] in _crc_error(entry["frame"]) for f in entry["faults"] if f["name"] in kinds)
    for entry in faulted(entries, "truncate"):
        frame = bytes.fromhex(entry["frame"])
        assert frame[-1] != 0x7E or len(frame) - 2 < (int.from_bytes(frame[1:3], "big") & 0x7FF)
    for entry in faulted(entries, "flip-bits"):
        assert not entry["expect_publish"] and _crc_error(entry["frame"])


@pytest.mark.parametrize("plan, kind", [("garbage", "garbage"), ("long-burst", "burst")])
def test_noise_and_bursts_reach_the_reader_between_whole_frames(plan, kind):
    plan, entries, tap, stats = plan_run(plan)
    _frames, stats = received_frames(tap.data)
    noise = len(tap.data) - sum(len(e["frame"]) // 2 for e in entries)
    lengths = [int(f["detail"].split()[0]) for e in faulted(entries, kind) for f in e["faults"]]
    assert lengths and noise == sum(lengths) and stats.discarded_bytes >= noise
    if kind == "burst":
        assert min(lengths) > 512  # longer than a 512-byte reader buffer


@pytest.mark.parametrize("plan", ["lost-list", "silence"])
def test_lost_lists_and_silence_leave_the_line_quiet(plan):
    plan, entries, tap, stats = plan_run(plan)
    kind = "silence" if plan == "silence" else "lost-list"
    # Every 2 s slot of the ten minutes either went on the line (and into the log) or was kept off it.
    assert stats.faults[kind] > 0 and len(entries) + stats.faults[kind] == 300
    assert all(e["expect_publish"] and e["frame"] for e in entries)
    if plan == "silence":
        times = [datetime.fromisoformat(e["meter_time"]) for e in entries]
        assert max((b - a).total_seconds() for a, b in itertools.pairwise(times)) == 62  # 30 slots, 60 s, kept off
        quiet = max(b[0] - a[0] for a, b in zip(tap.chunks, tap.chunks[1:], strict=False))
        # A whole warped minute (60 ms) without a byte, against 2 ms between slots; half of it is the
        # margin for a tap that woke late on the chunk before the silence (seen at 0.9: 53.5 ms on busy cores).
        assert quiet >= 60 / WARP * 0.5


def test_duplicates_arrive_twice_in_a_row():
    _plan, entries, tap, _stats = plan_run("duplicate")
    frames, _ = received_frames(tap.data)
    doubled = {e["frame"] for e in faulted(entries, "duplicate")}
    assert doubled and all(any(a == b == f for a, b in itertools.pairwise(frames)) for f in doubled)


def test_a_clock_jump_moves_the_meter_time_and_the_schedule():
    _plan, entries, _tap, _stats = plan_run("clock-jump")
    jumped = faulted(entries, "clock-jump")[0]
    after = entries[jumped["seq"] + 1]
    step = datetime.fromisoformat(after["meter_time"]) - datetime.fromisoformat(jumped["meter_time"])
    assert step.total_seconds() == 3600 + 2  # an hour ahead, then the next 2 s slot
    assert after["expect_publish"] and after["readings"]["meter_time"] == after["meter_time"]


def test_inter_byte_gaps_fall_inside_frames():
    _plan, entries, tap, _stats = plan_run("inter-byte-gap")
    offsets, position = [], 0
    for arrived, chunk in tap.chunks:
        offsets.append((arrived, position))
        position += len(chunk)
    spans, position = [], 0
    for entry in entries:
        spans.append((position, position + len(entry["frame"]) // 2))
        position = spans[-1][1]
    pauses = [pos for (t0, _), (t1, pos) in itertools.pairwise(offsets) if t1 - t0 >= 0.025]
    gapped = faulted(entries, "gap")
    inside = [pos for pos in pauses if any(start < pos < end for start, end in spans)]
    # A loaded machine may deliver the bytes on both sides of a pause late, as one; most pauses still show.
    assert gapped and len(inside) >= 0.8 * len(gapped)
    assert all(e["end_mono"] - e["start_mono"] >= 0.03 for e in gapped)


@pytest.mark.parametrize("plan", sorted(LINE_ONLY))
def test_line_error_plans_are_refused_on_a_pty_with_the_reason(plan):
    profile = get_profile("kaifa-ma304h3e")
    with (
        PtyLine(profile.serial) as line,
        pytest.raises(FaultError, match=f"fault {plan} needs a serial device.*a pty has no parity"),
    ):
        run_meter(profile, line, duration_s=10, warp=None, faults=load_plans(plan))


def test_parity_errors_are_refused_on_an_8n1_meter():
    profile = get_profile("kamstrup-6841121")
    line = MemoryLine(profile.serial)
    line.carries_line_errors = True
    with pytest.raises(FaultError, match="needs parity, but kamstrup-6841121 sends 8N1"):
        Injector(load_plans("parity-error"), profile).check_line(line)


class RecordingSerial(RecordingLine):
    """A line that can carry line errors and records how each byte went out."""

    carries_line_errors = True

    def write_bad_parity(self, byte):
        self.data.append(byte)
        self.events.append(("bad-parity", byte))

    def send_break(self, seconds):
        self.events.append(("break", seconds))


def test_a_parity_error_is_one_flipped_byte_sent_with_the_wrong_parity():
    profile = get_profile("aidon-6534")
    line = RecordingSerial(profile.serial)
    sent = run_meter(
        profile, line, scenario="fixed", duration_s=120, warp=None, faults=load_plans("parity-error@1"), sent_log=None
    )
    assert sent.faults["parity-error"] == sent.entries
    bad = [byte for kind, byte in line.events if kind == "bad-parity"]
    assert len(bad) == sent.entries
    assert bytes(line.data).count(0x7E) >= sent.entries  # the frames still open and close


def test_a_framing_error_is_a_break_inside_the_frame():
    profile = get_profile("kaifa-ma304h4")
    line = RecordingSerial(profile.serial)
    sent = run_meter(profile, line, scenario="fixed", duration_s=60, warp=None, faults=load_plans("framing-error@1"))
    breaks = [i for i, (kind, _) in enumerate(line.events) if kind == "break"]
    assert len(breaks) == sent.entries
    # Bytes of the same frame come before and after each break.
    assert all(line.events[i - 1][0] == "bytes" and line.events[i + 1][0] == "bytes" for i in breaks)


class DriftingSerial(RecordingSerial):
    """A recording line that notes the rate each write went out at."""

    def write_at_baud(self, data, baud):
        self.data.extend(data)
        self.events.append(("baud", baud, bytes(data)))


def test_a_baud_drift_sends_the_whole_frame_at_the_drifted_rate():
    profile = get_profile("aidon-6534-se")  # 115200 8N1
    line = DriftingSerial(profile.serial)
    sent = SentLog()
    run_meter(
        profile, line, scenario="fixed", duration_s=100, warp=None, faults=load_plans("baud-drift@1"), sent_log=sent
    )
    drifted = [event for event in line.events if event[0] == "baud"]
    assert [event[1] for event in drifted] == [117504] * len(sent.entries)  # 115200 + 2 %
    assert [event[2].hex().upper() for event in drifted] == [e["frame"] for e in sent.entries]
    assert all(e["expect_publish"] for e in sent.entries)
