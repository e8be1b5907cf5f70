"""The simulator's own CPU a frame at warp max: a warped day of each make into a line that takes every byte at once.

    python benchmarks/bench_sim_cpu.py [--duration 1d] [--repeat 3] [--meter NAME ...]

The whole loop (bench_loop.py) shares the machine's CPUs between the
simulator, the relay, the reader, the broker and the observer, so its rate
moves with everything else that runs; the simulator's CPU time a frame is
the part this process owns. Printed per make: the frames, the least CPU
(user + system) a frame over --repeat runs, and digests of the bytes sent
and of the sent log without its times, which must not change when only the
speed does. Start-up (imports, profiles) is outside the measured span.
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meter_profiles import SerialSettings, get_profile
from simulator.lines import Line
from simulator.run import SentLog, run_meter
from simulator.timing import parse_duration

MAKES = ("kaifa-ma304h3e", "kamstrup-6841121", "aidon-6534")
# The sent log's instants differ from run to run; everything else in it is the same for the same seed.
_TIMES = ("start_mono", "end_mono", "start_wall", "end_wall")
START = "2026-11-23T00:00:00"


class DigestLine(Line):
    """A line that takes every byte at once and keeps only their digest."""

    def __init__(self, serial: SerialSettings) -> None:
        super().__init__(serial)
        self.digest = hashlib.sha256()

    @property
    def reader_path(self) -> str:
        """There is no reader: the bytes go into the digest."""
        return "(digest)"

    def open(self) -> None:
        """Nothing to open."""

    def close(self) -> None:
        """Nothing to close."""

    def write(self, data: bytes) -> None:
        """Add the bytes to the digest."""
        self.digest.update(data)


def one_run(meter: str, seconds: float, log: Path) -> tuple[int, float, str]:
    """Frames, CPU seconds and the digest of the bytes of one warped run."""
    profile = get_profile(meter)
    line = DigestLine(profile.serial)
    began = time.process_time()
    with SentLog(log) as sent:
        stats = run_meter(profile, line, start=START, duration_s=seconds, warp=None, sent_log=sent)
    return stats.entries, time.process_time() - began, line.digest.hexdigest()[:16]


def log_digest(log: Path) -> str:
    """The digest of a sent log without its instants."""
    digest = hashlib.sha256()
    for text in log.read_bytes().splitlines():
        entry = orjson.loads(text)
        for key in _TIMES:
            entry.pop(key, None)
        digest.update(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:16]


def main() -> None:
    """Parse the flags, run every make --repeat times, print the least CPU a frame."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="1d")
    parser.add_argument("--repeat", type=int, default=3, help="runs per make; the least CPU is printed (default 3)")
    parser.add_argument("--meter", action="append", help="a profile name (default: one of each make)")
    args = parser.parse_args()
    seconds = parse_duration(args.duration)
    log = Path(tempfile.mkdtemp(prefix="bench-sim-cpu-")) / "sent.jsonl"
    print(f"least of {args.repeat} runs, warp max, {args.duration}, {_load_average()}")
    print(f"{'meter':<20} {'frames':>7} {'us CPU a frame':>15}  bytes             sent log")
    for meter in args.meter or MAKES:
        runs = [one_run(meter, seconds, log) for _ in range(args.repeat)]
        frames, _, sent = runs[0]
        cpu = min(run[1] for run in runs)
        print(f"{meter:<20} {frames:>7} {cpu / frames * 1e6:>15.1f}  {sent}  {log_digest(log)}", flush=True)
    print(_load_average())


def _load_average() -> str:
    return "load average " + ", ".join(f"{load:.2f}" for load in os.getloadavg())


if __name__ == "__main__":
    main()
