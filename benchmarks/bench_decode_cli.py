"""`hanbench decode --json` over every capture as a whole process (start-up and JSON output
included), against amshan as a whole process over the same files, in the same run.

Each command runs once untimed (Python writes its bytecode, hanbench its decode table, as
after any install), then REPEATS times, alternating. The figures are medians: frames per
second and the ratio of the two, by wall time and by CPU time (the child's user + sys,
which other jobs on a loaded machine disturb less). Target: 20,000 frames/s and 20x amshan.
The children get the environment a user's shell would give them: without the variables
that turn off Python's bytecode cache or its output buffering, which would cost both sides
start-up and a system call a line.

usage: python benchmarks/bench_decode_cli.py [CAPTURE_DIR]
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5
_NOT_A_USERS = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")


def frame_count(paths: list[Path]) -> int:
    """Frame lines in the capture files."""
    return sum(1 for p in paths for line in p.read_text().splitlines() if line.strip() and not line.startswith("#"))


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole run, output thrown away."""
    cpu, start = _child_cpu(), time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=REPO, env=env)
    return time.perf_counter() - start, _child_cpu() - cpu


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "captures"
    paths = sorted(folder.glob("*.log"))
    frames = frame_count(paths)
    # decode reads one source: the captures joined, as a user would pipe them in with cat.
    joined = REPO / "build" / "all-captures.log"
    joined.parent.mkdir(exist_ok=True)
    joined.write_text("".join(p.read_text() for p in paths))
    env = {name: value for name, value in os.environ.items() if name not in _NOT_A_USERS}
    commands = {
        "hanbench": [sys.executable, "-m", "bench", "decode", "--json", str(joined)],
        "amshan": [sys.executable, str(REPO / "benchmarks" / "amshan_decode.py"), *map(str, paths)],
    }
    for argv in commands.values():
        timed(argv, env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(REPEATS):
        for name, argv in commands.items():
            runs[name].append(timed(argv, env))
    wall = {name: statistics.median(w for w, _ in times) for name, times in runs.items()}
    cpu = {name: statistics.median(c for _, c in times) for name, times in runs.items()}
    for name in commands:
        print(
            f"{name:<10}{frames:>8} frames  wall {wall[name]:6.3f} s {frames / wall[name]:>9,.0f} frames/s"
            f"  cpu {cpu[name]:6.3f} s {frames / cpu[name]:>9,.0f} frames/s"
        )
    print(
        f"ratio     wall {wall['amshan'] / wall['hanbench']:.1f}x, cpu {cpu['amshan'] / cpu['hanbench']:.1f}x amshan"
        f" (medians of {REPEATS} runs each; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )


if __name__ == "__main__":
    main()
