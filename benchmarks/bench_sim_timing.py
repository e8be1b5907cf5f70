"""Real-time accuracy of the simulator: frame start times on a pty's reader side against the schedule.

A tap in its own process (so the sender's GIL cannot delay it) reads the
reader side of the pty and notes time.monotonic() when each frame's first
byte arrives. The schedule says when each frame was due (run origin + meter
seconds). Reported: the error's median, p99 and maximum, and the drift over
the run (the error's trend, first minute against last minute and by a
least-squares fit). Targets from the issue: p99 under 1 ms, drift under 1 ms.

    python benchmarks/bench_sim_timing.py                 # ten minutes, Kaifa MA304H3E
    python benchmarks/bench_sim_timing.py --minutes 1 --meter aidon-6534
"""

import argparse
import multiprocessing
import os
import select
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meter_profiles import get_profile
from simulator.lines import PtyLine
from simulator.run import run_meter

# Frames are at least 0.4 s apart and bytes 4.6 ms apart: 50 ms of silence means a new frame.
_IDLE_S = 0.05


def realtime_priority() -> str:
    """Ask for SCHED_FIFO so other load on the machine cannot preempt a frame start; say what we got."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(20))
        return "SCHED_FIFO"
    except (PermissionError, AttributeError, OSError):
        return "normal (SCHED_FIFO refused)"


def tap(path: str, starts, ready, stop, fifo: bool) -> None:
    """Note the arrival time of the first byte after every idle spell on the reader side."""
    if fifo:
        realtime_priority()
    fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    last = 0.0
    ready.set()
    while not stop.is_set():
        readable, _, _ = select.select([fd], [], [], 0.1)
        if not readable:
            continue
        now = time.monotonic()
        os.read(fd, 4096)
        if now - last > _IDLE_S:
            starts.append(now)
        last = now
    os.close(fd)


def steal_s() -> float:
    """Seconds the hypervisor kept this machine's CPUs from running it, so far (Linux /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def settle() -> None:
    """Write back what earlier work left dirty, so the disk's worker threads do not run during the measurement."""
    os.sync()
    time.sleep(2.0)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def measure(meter: str, minutes: float, fifo: bool) -> dict:
    """Run the meter at real time on a pty for `minutes`; the errors of every frame start, in seconds."""
    profile = get_profile(meter)
    due = []
    with PtyLine(profile.serial) as line, multiprocessing.Manager() as manager:
        starts, ready, stop = manager.list(), manager.Event(), manager.Event()
        reader = multiprocessing.Process(target=tap, args=(line.reader_path, starts, ready, stop, fifo))
        reader.start()
        ready.wait()
        stats = run_meter(
            profile,
            line,
            scenario="fixed",
            duration_s=minutes * 60,
            warp=1.0,
            on_entry=lambda entry, s: due.append((s.elapsed, entry["start_mono"])),
        )
        time.sleep(1.0)
        stop.set()
        reader.join()
        arrivals = list(starts)
    deadlines = [stats.origin_mono + elapsed for elapsed, _ in due]
    if len(arrivals) != len(deadlines):
        raise SystemExit(
            f"the tap saw {len(arrivals)} frames but {len(deadlines)} were sent: a frame was lost or split"
        )
    return {
        "arrival": [a - d for a, d in zip(arrivals, deadlines)],
        "sender": [sent - d for (_, sent), d in zip(due, deadlines)],
        "at": [d - deadlines[0] for d in deadlines],
    }


def report(name: str, errors: list[float], at: list[float]) -> None:
    """Print median, p99, max and drift of one error series, in milliseconds."""
    first = [e for e, t in zip(errors, at) if t < 60]
    last = [e for e, t in zip(errors, at) if t > at[-1] - 60]
    drift = statistics.median(last) - statistics.median(first)
    trend = slope(at, errors) * at[-1]
    print(
        f"{name:>8}: median {statistics.median(errors) * 1e3:7.3f} ms   p99 {percentile(errors, 0.99) * 1e3:7.3f} ms   "
        f"max {max(errors) * 1e3:7.3f} ms   drift {drift * 1e3:+7.3f} ms (last minute vs first), "
        f"{trend * 1e3:+7.3f} ms (fit over {at[-1] / 60:.1f} min)"
    )


def main() -> None:
    """Parse the flags, run, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="run length in minutes (default 10)")
    parser.add_argument("--meter", default="kaifa-ma304h3e", help="meter profile (default kaifa-ma304h3e)")
    parser.add_argument("--no-fifo", action="store_true", help="run at normal priority instead of SCHED_FIFO")
    args = parser.parse_args()
    priority = "normal" if args.no_fifo else realtime_priority()
    settle()
    stolen = steal_s()
    result = measure(args.meter, args.minutes, not args.no_fifo)
    print(
        f"{args.meter}, {len(result['at'])} frames over {args.minutes:g} min at real time on a pty, byte-paced, "
        f"scheduling {priority}, load average {os.getloadavg()[0]:.2f}, "
        f"CPU time taken by the hypervisor (steal) {steal_s() - stolen:.2f} s"
    )
    print("error = frame start minus its deadline (origin + meter seconds); 'arrival' is the reader side")
    report("arrival", result["arrival"], result["at"])
    report("sender", result["sender"], result["at"])


if __name__ == "__main__":
    main()
