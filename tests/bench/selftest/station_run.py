"""Helpers of the station's tests: run the station's command, name the fake board, read a record."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FAKE_BOARD = Path(__file__).with_name("fake_board.py")
# The quick limits' margins. A fake board is a Python process whose imports take seconds under two busy workers
# (its banner came 1.4 to 2 s after power-on at load 9, the firmware's in 0.05 s), so its banner limit leaves room
# for them; the late-booting fake sleeps longer than that limit after its imports, so it fails on any machine.
BOOT_LIMIT_S = 6.0
BOOT_TIMEOUT_S = 20.0
# The fakes publish at once; a real board's 1 s latency limit is for a quiet station, not two busy cores.
LATENCY_MARGIN_S = 10.0


def fake_board_cmd(mode: str) -> str:
    """The --dut-cmd of the fake board in one mode."""
    return f"{sys.executable} {FAKE_BOARD} {mode} {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"


def station_argv(record_dir: Path, limits: Path, *extra: str) -> list[str]:
    """The station's command line on a record directory."""
    return [
        sys.executable,
        "-m",
        "bench",
        "selftest",
        "--record-dir",
        str(record_dir),
        "--limits",
        str(limits),
        "--station-id",
        "ci-station",
        "--operator",
        "pytest",
        *extra,
    ]


def run_station(record_dir: Path, limits: Path, *extra: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Run the station's command to its end."""
    return subprocess.run(
        station_argv(record_dir, limits, *extra), cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def only_record(record_dir: Path) -> dict:
    """The one record in a record directory."""
    paths = sorted((record_dir / "records").glob("*.json"))
    assert len(paths) == 1, paths
    return json.loads(paths[0].read_text())
