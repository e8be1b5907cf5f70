"""Running a meter on a line: the loop that ties clock, readings, codec, faults, pacing and sent log together.

line = PtyLine(profile.serial); line.open()          # or SerialLine("/dev/ttyUSB0", profile.serial)
print(line.reader_path)                              # start the reader on it
stats = run_meter(profile, line, scenario="household-day", duration_s=3600, warp=60,
                  faults=load_plans("bad-fcs"), sent_log=SentLog("sent.jsonl"))
"""

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from meter_profiles import Profile

from ..codec.link import LinkEncoder
from ..codec.security import Keys
from ..faults import FaultPlan, Injector
from ..lines import Line
from ..meter import Emission, Meter, MeterClock
from ..readings import Scenario, load_scenario
from ..timing import Pacer
from .batch import FrameBatch, Sent, queues
from .sentlog import SentEntry, SentLog, SentValues, sent_entry
from .transmit import transmit

__all__ = ["RunStats", "run_meter"]


@dataclass
class RunStats:
    """What a run did: entries written, frames per list sent, faults applied (kept-off lists too), the last values."""

    entries: int = 0
    frames: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    last: dict = field(default_factory=dict)
    meter_time: str = ""
    elapsed: float = 0.0
    worst_late_s: float = 0.0  # the latest a frame started after its deadline (real time and warp only)
    origin_mono: float = 0.0  # the monotonic instant meter second 0 of the run maps to


def _entry(seq: int, profile: Profile, sent: Sent, wall_minus_mono: float) -> SentEntry:
    emission, tx = sent.emission, sent.tx
    values = SentValues(
        meter=profile.name, list=emission.list_no, meter_time=emission.meter_time, readings=emission.reading
    )
    return sent_entry(seq, values, tx.frame, tx.faults, tx.expect_publish, sent.times, wall_minus_mono)


def run_meter(
    profile: Profile,
    line: Line,
    *,
    scenario: str | Scenario = "household-day",
    start: str | datetime | None = None,
    duration_s: float | None = None,
    warp: float | None = 1.0,
    faults: Sequence[FaultPlan] = (),
    sent_log: SentLog | None = None,
    seed: int | None = None,
    byte_pacing: bool = True,
    stop: threading.Event | None = None,
    on_entry: Callable[[SentEntry, RunStats], None] | None = None,
    keys: Keys | None = None,
) -> RunStats:
    """Run `profile`'s meter on an open `line` for `duration_s` meter seconds (None: until `stop` is set).

    `start` is the meter's wall time at the start (None: now); `seed` (None:
    the scenario's own) seeds the readings and the registers; `warp` 1 is real
    time, N runs the meter clock N times faster, None as fast as the line takes.
    Byte pacing applies to lines that do not pace themselves (a pty); on those,
    at warp max, frames that follow each other within a millisecond share one
    write (see batch.py). `keys` are the meter's own, for a profile that
    encrypts (never logged: the sent log holds the ciphered frame). Raises
    LineError if the line goes away; the sent log is complete up to that frame.
    """
    scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
    clock = MeterClock.starting_at(profile.clock, start)
    seed = scenario.seed if seed is None else seed
    source = scenario.source(profile.phases, round(clock.start_utc.timestamp() * 1000), seed)
    meter = Meter(profile, source, clock, seed)
    link = LinkEncoder(profile, keys)
    injector = Injector(list(faults), profile)
    injector.check_line(line)
    sent_log = sent_log if sent_log is not None else SentLog()
    pacer = Pacer(warp, stop)
    byte_time = pacer.byte_time(line.serial.byte_time) if byte_pacing else None
    offset = time.time() - time.monotonic()
    stats = RunStats(origin_mono=pacer.origin)
    batch = FrameBatch(line) if warp is None and not line.paces_itself else None

    def log(sent: list[Sent]) -> None:
        for one in sent:
            _note_sent(stats, one.emission)
            entry = _entry(stats.entries, profile, one, offset)
            sent_log.write(entry)
            stats.entries += 1
            stats.frames[one.emission.list_no] += 1
            if on_entry is not None:
                on_entry(entry, stats)

    for slot in count():
        emission = meter.next_emission()
        if duration_s is not None and emission.elapsed >= duration_s:
            break
        # Everything is built before the deadline, so nothing but the write happens after it.
        encoded = link.encode(emission.list_no, emission.reading, injector.tamper(slot, emission.list_no))
        tx = injector.apply(slot, emission.list_no, emission.elapsed, encoded)
        with pacer.punctual():
            if not pacer.wait(emission.elapsed):
                break
            for fault in tx.faults:  # counted for lists kept off the line too
                stats.faults[fault["name"]] += 1
            deadline = pacer.deadline(emission.elapsed)
            # A list a fault kept off the line (lost, silence) has no entry: the log holds what went on the line.
            for _ in range(tx.copies if tx.send else 0):
                if batch is not None and queues(tx):
                    log(batch.add(emission, tx))
                    continue
                if batch is not None:
                    log(batch.flush())
                times = transmit(line, tx, byte_time)
                if deadline is not None:
                    stats.worst_late_s = max(
                        stats.worst_late_s, times[0] - deadline - len(tx.before) * (byte_time or 0)
                    )
                log([Sent(emission, tx, times)])
        if tx.clock_jump_s:
            meter.jump_clock(tx.clock_jump_s)
    if batch is not None:
        log(batch.flush())
    return stats


def _note_sent(stats: RunStats, emission: Emission) -> None:
    stats.elapsed = emission.elapsed
    stats.meter_time = emission.meter_time
    stats.last.update(emission.reading)
