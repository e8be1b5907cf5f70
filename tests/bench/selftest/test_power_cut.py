"""A power cut in the middle of a unit: every earlier record intact, the cut-off unit recorded as incomplete."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.selftest.record_store import RecordStore, default_url
from bench.selftest.report import directory_report
from tests.bench.selftest.station_run import REPO, station_argv


def _descendants(pid: int) -> list[int]:
    """Every process below pid (the station's broker, line relay and reader), read from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)
    return found


def _store(record_dir: Path) -> RecordStore:
    return RecordStore(default_url(record_dir), record_dir, "ci-station").connect()


def _third_unit_under_test(record_dir: Path):
    """The third unit's row, once two records are kept and it has entered a phase."""
    if len(list((record_dir / "records").glob("*.json"))) < 2:
        return None
    return next((m for m in _store(record_dir).markers() if m["unit"].endswith("-SN-3") and m.get("phase")), None)


def test_sigkill_mid_unit_keeps_earlier_records_and_marks_the_unit_incomplete(tmp_path, quick_limits):
    record_dir = tmp_path / "records"
    station = subprocess.Popen(
        station_argv(record_dir, quick_limits, "--dut", "host", "--loop"),
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert station.stdin is not None
    station.stdin.write("sn-1\nsn-2\nsn-3\n")
    station.stdin.flush()
    children: list[int] = []
    try:
        cut_in = _wait_for(lambda: _third_unit_under_test(record_dir), 60, "third unit in a phase")["phase"]
        children = _descendants(station.pid)
        station.send_signal(signal.SIGKILL)
        station.wait()
    finally:
        # The cut also ends the board and the instruments: the broker, the line and the reader the station started.
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    kept = sorted((record_dir / "records").glob("*.json"))
    assert [json.loads(path.read_text())["serial_number"] for path in kept] == ["SN-1", "SN-2"]
    assert all(json.loads(path.read_text())["outcome"] == "PASS" for path in kept)
    assert not list(record_dir.rglob(".*.tmp")), "a temporary file was left behind"
    assert [r["serial_number"] for r in _store(record_dir).records()] == ["SN-1", "SN-2"]

    # The station's next start finds the marker and records the unit as incomplete, saying where it stopped.
    restart = subprocess.run(
        station_argv(record_dir, quick_limits, "--dut", "host", "--loop"),
        cwd=REPO,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restart.returncode == 0, restart.stderr
    assert "INCOMPLETE" in restart.stdout
    records = [json.loads(path.read_text()) for path in sorted((record_dir / "records").glob("*.json"))]
    assert [(r["serial_number"], r["outcome"]) for r in records] == [
        ("SN-1", "PASS"),
        ("SN-2", "PASS"),
        ("SN-3", "INCOMPLETE"),
    ]
    order = [phase["name"] for phase in records[0]["phases"]]
    stopped_in = records[2]["failures"][0]["phase"]
    # The marker may have moved on between the test's look and the kill, never back.
    assert stopped_in in order and order.index(stopped_in) >= order.index(cut_in), (cut_in, stopped_in)
    assert _store(record_dir).markers() == []
    assert [r["outcome"] for r in _store(record_dir).records()] == ["PASS", "PASS", "INCOMPLETE"]
    figures = directory_report(_store(record_dir))
    assert (figures["units_tested"], figures["yield"], figures["in_progress"]) == (3, round(2 / 3, 4), 0)
