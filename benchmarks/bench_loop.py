"""A warped day of each make through the whole loop: frames per second and latency percentiles.

    python benchmarks/bench_loop.py [--duration 1d] [--dut-cmd CMD] [--meter-cmd CMD]

By default the simulator (`hanbench sim`) drives the firmware's host build
through a pty, with mosquitto when installed. Prints, per make, the frames
judged, the loop's rate (frames / wall seconds of the meter's run), the
latency median, p99 and maximum, and how long the checker took. Target:
5,000 frames per second through the whole loop.
"""

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench import Bench, LoopOptions, make_dut  # noqa: E402
from bench.check import judge  # noqa: E402
from bench.observer import read_messages  # noqa: E402
from bench.observer.adapters import publications  # noqa: E402

MAKES = ("kaifa-ma304h3e", "kamstrup-6841121", "aidon-6534")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="1d")
    parser.add_argument("--warp", default="max")
    parser.add_argument("--dut-cmd")
    parser.add_argument("--meter-cmd")
    parser.add_argument("--broker", default="auto")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-loop-"))
    options = LoopOptions(broker=args.broker, latency_limit_s=5.0,
                          meter_command=tuple(shlex.split(args.meter_cmd)) if args.meter_cmd else None)
    print(f"{'meter':<20} {'frames':>7} {'frames/s':>9} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} {'judge s':>8}  verdict")
    for meter in MAKES:
        dut = make_dut("cmd" if args.dut_cmd else "host", folder, args.dut_cmd)
        began = time.monotonic()
        result = Bench(dut, folder, options).run(meter, duration=args.duration, warp=args.warp)
        frames = result.frames
        span = frames[-1]["end_mono"] - frames[0]["start_mono"] if len(frames) > 1 else float("nan")
        judged = time.monotonic()
        judge(frames, publications("classic", options.topic, read_messages(result.run_dir / "received.jsonl")), 5.0)
        latency = result.verdict.latency
        print(f"{meter:<20} {len(frames):>7} {len(frames) / span:>9.0f} {_ms(latency.median):>10} {_ms(latency.p99):>8} "
              f"{_ms(latency.maximum):>8} {time.monotonic() - judged:>8.2f}  {'PASS' if result.passed else 'FAIL'} "
              f"({time.monotonic() - began:.1f} s in all)")


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.2f}"


if __name__ == "__main__":
    main()
