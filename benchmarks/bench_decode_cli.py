"""`hanbench decode --json` over every capture as a whole process (start-up and JSON output
included), against amshan as a whole process over the same files, in the same run.

Each command runs REPEATS times, alternating, and the figure is the median: frames
per second, and the ratio of the two medians. Target: 20,000 frames/s and 20x amshan.

usage: python benchmarks/bench_decode_cli.py [CAPTURE_DIR]
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5


def frame_count(paths: list[Path]) -> int:
    """Frame lines in the capture files."""
    return sum(1 for p in paths for line in p.read_text().splitlines() if line.strip() and not line.startswith("#"))


def timed(argv: list[str]) -> float:
    """Wall seconds of one whole run, output thrown away."""
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO)
    return time.perf_counter() - start


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "captures"
    paths = sorted(folder.glob("*.log"))
    frames = frame_count(paths)
    # decode reads one source: the captures joined, as a user would pipe them in with cat.
    joined = REPO / "build" / "all-captures.log"
    joined.parent.mkdir(exist_ok=True)
    joined.write_text("".join(p.read_text() for p in paths))
    ours = [sys.executable, "-m", "bench", "decode", "--json", str(joined)]
    theirs = [sys.executable, str(REPO / "benchmarks" / "amshan_decode.py"), *map(str, paths)]
    runs: dict[str, list[float]] = {"hanbench": [], "amshan": []}
    for _ in range(REPEATS):
        runs["hanbench"].append(timed(ours))
        runs["amshan"].append(timed(theirs))
    medians = {name: statistics.median(times) for name, times in runs.items()}
    for name, median in medians.items():
        print(f"{name:<10}{frames:>8} frames  median {median:6.3f} s  {frames / median:>9,.0f} frames/s")
    print(f"ratio     {medians['amshan'] / medians['hanbench']:.1f}x amshan (medians of {REPEATS} runs each)")


if __name__ == "__main__":
    main()
