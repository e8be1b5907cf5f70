"""Running a meter on a line: the loop that ties clock, readings, codec, faults, pacing and sent log together.

    line = PtyLine(profile.serial); line.open()          # or SerialLine("/dev/ttyUSB0", profile.serial)
    print(line.reader_path)                              # start the reader on it
    stats = run_meter(profile, line, scenario="household-day", duration_s=3600, warp=60,
                      faults=load_plans("bad-fcs"), sent_log=SentLog("sent.jsonl"))
"""

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from meter_profiles import Profile

from ..codec import encode_frame
from ..faults import FaultPlan, Injector, Transmission
from ..lines import Line
from ..meter import Emission, Meter, MeterClock
from ..readings import Scenario, load_scenario
from ..timing import Pacer
from .sentlog import SentLog, wall_time
from .transmit import transmit

__all__ = ["RunStats", "run_meter"]


@dataclass
class RunStats:
    """What a run did: entries written, frames per list, faults applied, the last values, how late it ran."""

    entries: int = 0
    frames: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    last: dict = field(default_factory=dict)
    meter_time: str = ""
    elapsed: float = 0.0
    worst_late_s: float = 0.0  # the latest a frame started after its deadline (real time and warp only)
    origin_mono: float = 0.0  # the monotonic instant meter second 0 of the run maps to


def _entry(seq: int, profile: Profile, emission: Emission, tx: Transmission, times: tuple[float, float], offset: float) -> dict:
    start, end = times
    return {
        "seq": seq,
        "meter": profile.name,
        "list": emission.list_no,
        "meter_time": emission.meter_time,
        "start_mono": round(start, 6),
        "end_mono": round(end, 6),
        "start_wall": wall_time(start, offset),
        "end_wall": wall_time(end, offset),
        "frame": tx.frame.hex().upper() if tx.send else "",
        "readings": emission.reading,
        "faults": tx.faults,
        "expect_publish": tx.expect_publish,
    }


def run_meter(
    profile: Profile,
    line: Line,
    *,
    scenario: str | Scenario = "household-day",
    start: str | datetime | None = None,
    duration_s: float | None = None,
    warp: float | None = 1.0,
    faults: list[FaultPlan] = (),
    sent_log: SentLog | None = None,
    seed: int = 1,
    byte_pacing: bool = True,
    stop: threading.Event | None = None,
    on_entry: Callable[[dict, RunStats], None] | None = None,
) -> RunStats:
    """Run `profile`'s meter on an open `line` for `duration_s` meter seconds (None: until `stop` is set).

    `start` is the meter's wall time at the start (None: now); `warp` 1 is real
    time, N runs the meter clock N times faster, None as fast as the line takes.
    Byte pacing applies to lines that do not pace themselves (a pty). Raises
    LineError if the line goes away; the sent log is complete up to that frame.
    """
    scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
    clock = MeterClock.starting_at(profile.clock, start)
    source = scenario.source(profile.phases, round(clock.start_utc.timestamp() * 1000), seed)
    meter = Meter(profile, source, clock, seed)
    injector = Injector(list(faults), profile)
    injector.check_line(line)
    sent_log = sent_log if sent_log is not None else SentLog()
    pacer = Pacer(warp, stop)
    byte_time = pacer.byte_time(line.serial.byte_time) if byte_pacing else None
    offset = time.time() - time.monotonic()
    stats = RunStats(origin_mono=pacer.origin)
    while True:
        emission = meter.next_emission()
        if duration_s is not None and emission.elapsed >= duration_s:
            break
        # Everything is built before the deadline, so nothing but the write happens after it.
        frame = encode_frame(profile, emission.list_no, emission.reading)
        tx = injector.apply(stats.entries, emission.list_no, emission.elapsed, frame)
        if not pacer.wait(emission.elapsed):
            break
        deadline = pacer.deadline(emission.elapsed)
        for _ in range(tx.copies):
            times = transmit(line, tx, byte_time) if tx.send else (deadline or time.monotonic(),) * 2
            if deadline is not None and tx.send:
                stats.worst_late_s = max(stats.worst_late_s, times[0] - deadline - len(tx.before) * (byte_time or 0))
            entry = _entry(stats.entries, profile, emission, tx, times, offset)
            sent_log.write(entry)
            _count(stats, emission, tx)
            if on_entry is not None:
                on_entry(entry, stats)
        if tx.clock_jump_s:
            meter.jump_clock(tx.clock_jump_s)
    return stats


def _count(stats: RunStats, emission: Emission, tx: Transmission) -> None:
    stats.entries += 1
    stats.elapsed = emission.elapsed
    stats.meter_time = emission.meter_time
    if tx.send:
        stats.frames[emission.list_no] += 1
        stats.last.update(emission.reading)
    for fault in tx.faults:
        stats.faults[fault["name"]] += 1
