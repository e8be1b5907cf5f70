"""A warped day of each make through the whole loop: frames per second and latency percentiles.

    python benchmarks/bench_loop.py [--duration 1d] [--repeat 3] [--dut-cmd CMD] [--meter-cmd CMD]

By default the simulator (`hanbench sim`) drives the firmware's host build
through the bench's pty, with mosquitto when installed, judged with the
bench's default latency limit (1 s). Each make runs --repeat times; printed
are the medians of: the loop's rate (frames / wall seconds from the first
frame's start to the last frame's end), the latency median, p99 and maximum,
the checker's time and the whole run (set-up to report), and the machine's
load average before and after, since other work on the CPUs lowers every
figure. Target: 10,000 frames per second through the whole loop.
"""

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench import Bench, LoopOptions, make_dut
from bench.check import judge
from bench.observer import read_messages
from bench.observer.adapters import publications

MAKES = ("kaifa-ma304h3e", "kamstrup-6841121", "aidon-6534")
COLUMNS = ("frames/s", "median ms", "p99 ms", "max ms", "judge s", "whole s")


def one_run(meter: str, args: argparse.Namespace, options: LoopOptions, folder: Path) -> tuple[int, dict, str]:
    """Frames, the figures of COLUMNS, and the verdict of one run."""
    dut = make_dut("cmd" if args.dut_cmd else "host", folder, args.dut_cmd)
    began = time.monotonic()
    result = Bench(dut, folder, options).run(meter, duration=args.duration, warp=args.warp)
    whole = time.monotonic() - began
    frames = result.frames
    span = frames[-1]["end_mono"] - frames[0]["start_mono"] if len(frames) > 1 else float("nan")
    judged = time.monotonic()
    judge(
        frames,
        publications("classic", options.topic, read_messages(result.run_dir / "received.jsonl")),
        options.latency_limit_s,
    )
    latency = result.verdict.latency
    figures = {
        "frames/s": len(frames) / span,
        "median ms": _ms(latency.median),
        "p99 ms": _ms(latency.p99),
        "max ms": _ms(latency.maximum),
        "judge s": time.monotonic() - judged,
        "whole s": whole,
    }
    return len(frames), figures, "PASS" if result.passed else "FAIL"


def main() -> None:
    """Parse the flags, run every make --repeat times, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="1d")
    parser.add_argument("--warp", default="max")
    parser.add_argument("--repeat", type=int, default=3, help="runs per make; medians are printed (default 3)")
    parser.add_argument("--dut-cmd")
    parser.add_argument("--meter-cmd")
    parser.add_argument("--broker", default="auto")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-loop-"))
    options = LoopOptions(
        broker=args.broker, meter_command=tuple(shlex.split(args.meter_cmd)) if args.meter_cmd else None
    )
    print(f"medians of {args.repeat} runs, latency limit {options.latency_limit_s:g} s, {_load_average()}")
    print(f"{'meter':<20} {'frames':>7} " + " ".join(f"{c:>10}" for c in COLUMNS) + "  verdicts")
    for meter in MAKES:
        runs = [one_run(meter, args, options, folder) for _ in range(args.repeat)]
        medians = {c: statistics.median(r[1][c] for r in runs) for c in COLUMNS}
        print(
            f"{meter:<20} {runs[0][0]:>7} "
            + " ".join(f"{medians[c]:>10.{0 if c == 'frames/s' else 2}f}" for c in COLUMNS)
            + "  "
            + " ".join(r[2] for r in runs),
            flush=True,
        )
    print(_load_average())


def _load_average() -> str:
    return "load average " + ", ".join(f"{load:.2f}" for load in os.getloadavg())


def _ms(seconds: float | None) -> float:
    return float("nan") if seconds is None else seconds * 1000


if __name__ == "__main__":
    main()
