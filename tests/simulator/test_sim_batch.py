"""Warp max: frames that follow each other closely share one write; a frame with a pause in it goes alone, in order."""

from meter_profiles import get_profile
from simulator.faults import load_plans
from simulator.run import SentEntry, SentLog, run_meter

from .support import MemoryLine

KAIFA = get_profile("kaifa-ma304h3e")


class CountingLine(MemoryLine):
    """A memory line that keeps each write apart and, like a pty, takes bytes at once."""

    paces_itself = False

    def __init__(self, serial) -> None:
        super().__init__(serial)
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        super().write(data)
        self.writes.append(bytes(data))


def run(warp, faults=None, duration_s=600) -> tuple[CountingLine, list[SentEntry]]:
    line, sent = CountingLine(KAIFA.serial), SentLog()
    with line:
        run_meter(
            KAIFA,
            line,
            scenario="fixed",
            start="2024-03-01T12:00:00",
            duration_s=duration_s,
            warp=warp,
            faults=load_plans(faults),
            sent_log=sent,
            byte_pacing=False,
        )
    return line, sent.entries


def frames_of(entries: list[SentEntry]) -> bytes:
    return bytes.fromhex("".join(e["frame"] for e in entries))


def test_at_warp_max_frames_share_writes_and_each_keeps_its_writes_instants():
    line, entries = run(None)
    assert len(entries) == 300 and bytes(line.data) == frames_of(entries)
    assert len(line.writes) < len(entries) / 2  # 57-byte frames built in well under a millisecond each
    assert all(len(write) <= 4096 for write in line.writes)
    # Frames of one write carry that write's instants: as many distinct (start, end) pairs as writes.
    assert len({(e["start_mono"], e["end_mono"]) for e in entries}) == len(line.writes)


def test_a_frame_with_a_pause_inside_goes_out_alone_after_what_was_queued():
    line, entries = run(None, "inter-byte-gap", duration_s=120)
    gapped = [bytes.fromhex(e["frame"]) for e in entries if e["faults"]]
    assert gapped and bytes(line.data) == frames_of(entries)  # nothing overtaken, nothing lost
    halves = set(zip(line.writes, line.writes[1:]))
    for frame in gapped:
        # Two writes of its own, one each side of the pause; no write carries it whole.
        assert any(first + second == frame for first, second in halves)
        assert not any(frame in write for write in line.writes)


def test_warped_runs_and_lines_that_pace_themselves_write_frame_by_frame():
    line, entries = run(600)
    assert len(line.writes) == len(entries) == 300
    line = CountingLine(KAIFA.serial)
    line.paces_itself = True  # a UART: each write lasts its frame's line time
    with line:
        run_meter(KAIFA, line, scenario="fixed", start="2024-03-01T12:00:00", duration_s=600, warp=None)
    assert len(line.writes) == 300
