"""The pytest plugin: a reader project's HIL test in a few lines, its report in the test's output."""

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parents[1]
HIL_TEST = """
def test_reader(bench):
    bench.run(meter="kaifa-ma304h3e", duration="30s", warp=20).assert_passed()
"""


def _plugin_option() -> list[str]:
    """Load the plugin by name only where it is not installed: pytest refuses to register it twice."""
    installed = any(entry.value == "bench.pytest_plugin" for entry in entry_points(group="pytest11"))
    return [] if installed else ["-p", "bench.pytest_plugin"]


def run_pytest(tmp_path: Path, mode: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_hil.py").write_text(HIL_TEST)
    reader = f"{sys.executable} {HERE / 'fake_reader.py'} {mode} {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *_plugin_option(),
            "-p",
            "no:cacheprovider",
            "-rA",
            str(tmp_path / "test_hil.py"),
            "--rootdir",
            str(tmp_path),
            "--hanbench-dut",
            "cmd",
            "--hanbench-dut-cmd",
            reader,
            "--hanbench-broker",
            "embedded",
            "--hanbench-meter-cmd",
            f"{sys.executable} {HERE / 'fake_meter.py'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_hil_test_with_the_bench_fixture_passes_for_a_right_reader(tmp_path):
    outcome = run_pytest(tmp_path, "good")
    assert outcome.returncode == 0, outcome.stdout[-2000:]
    assert "hanbench kaifa-ma304h3e" in outcome.stdout and "kaifa-ma304h3e: PASS" in outcome.stdout


def test_a_hil_test_fails_with_the_reason_for_a_wrong_reader(tmp_path):
    outcome = run_pytest(tmp_path, "scale")
    assert outcome.returncode == 1
    assert "values: frame 0 (list 2" in outcome.stdout and "current_l1 sent 4, published 40" in outcome.stdout
