"""Host decode time per frame for each make: the firmware core's deframer and decoder
(handecode --bench), median over repeated runs, against the Python codec as the ratio.

usage: python benchmarks/bench_firmware_decode.py [RUNS]
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from simulator.codec import decode_frame

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "firmware" / "build"


def build() -> Path:
    subprocess.run(
        ["cmake", "-S", str(REPO / "firmware"), "-B", str(BUILD), "-DCMAKE_BUILD_TYPE=Release"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["cmake", "--build", str(BUILD), "-j", "2"], check=True, capture_output=True)
    return BUILD / "handecode"


def frames_file(work: Path) -> Path:
    """Every capture frame plus the reference frames (the only Aidon frames we have)."""
    lines = []
    for log in sorted((REPO / "captures").glob("*.log")):
        lines += [line for line in log.read_text().splitlines() if line and not line.startswith("#")]
    reference = tomllib.loads((REPO / "captures" / "reference-frames.toml").read_text())
    lines += [entry["hex"] for entry in reference.values()]
    path = work / "frames.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def python_ns_per_frame(path: Path, make: str, runs: int) -> float:
    frames = [bytes.fromhex(line.split("\t")[-1]) for line in path.read_text().splitlines()]
    own = [frame for frame in frames if decode_frame(frame)["meter"].startswith(make)][:500]
    samples = []
    for _ in range(max(3, runs // 10)):
        start = time.perf_counter_ns()
        for frame in own:
            decode_frame(frame)
        samples.append((time.perf_counter_ns() - start) / len(own))
    return statistics.median(samples)


def main(runs: int) -> None:
    handecode = build()
    with tempfile.TemporaryDirectory() as work:
        path = frames_file(Path(work))
        out = subprocess.run(
            [str(handecode), "--bench", str(runs), str(path)], check=True, capture_output=True, text=True
        )
        print(f"{'make':<10}{'frames':>8}{'C++ ns/frame':>15}{'Python ns/frame':>18}{'ratio':>9}")
        for line in out.stdout.splitlines():
            row = json.loads(line)
            python_ns = python_ns_per_frame(path, row["make"], runs)
            print(
                f"{row['make']:<10}{row['frames']:>8}{row['median_ns_per_frame']:>15.0f}{python_ns:>18.0f}"
                f"{python_ns / row['median_ns_per_frame']:>9.0f}x"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
