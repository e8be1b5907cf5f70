"""The station's command line: bad input is one line and a non-zero exit; report prints yield and Pareto."""

import os
import subprocess
import sys

import pytest

from bench.selftest.record_store import RecordStore, default_url
from tests.bench.selftest.station_run import REPO


def _hanbench(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", "selftest", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--dut", "rig"], "--dut rig needs --port, --console, --image, --lan-host"),
        (["--dut", "cmd"], "--dut cmd needs --dut-cmd"),
        (
            ["--dut-cmd", "x {nonsense}"],
            "--dut-cmd may use {tty}, {serial}, {mqtt_host}, {mqtt_port}, {topic}, {user}, not {nonsense}",
        ),
    ],
)
def test_bad_options_are_one_line_without_a_traceback(tmp_path, argv, message):
    done = _hanbench("--record-dir", str(tmp_path), *argv)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_bad_limits_file_stops_the_station_before_any_unit(tmp_path):
    limits = tmp_path / "limits.toml"
    limits.write_text("[station]\n")
    done = _hanbench("--record-dir", str(tmp_path / "r"), "--limits", str(limits))
    assert done.returncode == 2 and f"{limits}: station.firmware_version: Field required" in done.stderr
    assert not (tmp_path / "r").exists()


def test_report_of_a_directory_without_a_database_is_one_line_and_an_empty_one_is_zero(tmp_path):
    done = _hanbench("report", str(tmp_path))
    assert done.returncode == 2 and "no record database at" in done.stderr and "Traceback" not in done.stderr
    RecordStore(default_url(tmp_path), tmp_path).open()
    done = _hanbench("report", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "tests" in done.stdout and "retests" in done.stdout and "first-pass yield" in done.stdout
