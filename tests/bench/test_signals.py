"""Clean ends: a stop signal tears the loop down and exits 130; a SIGKILLed bench leaves no child behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench.test_loop import FAKE_METER, reader

# Generous: bring-up (broker, observer, relay, reader) on two busy cores under two pytest workers.
BRING_UP_S = 60.0
GONE_S = 20.0


def descendants(pid: int) -> set[int]:
    """Every live process below pid (children in their own sessions included)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """The pids still running (not exited, not a zombie)."""
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def start_bench(folder: Path, *which: str) -> subprocess.Popen:
    """A long real-time run against the fake reader, through the hanbench command (which: other runs than a Kaifa's)."""
    argv = [
        sys.executable,
        "-m",
        "bench",
        "run",
        *(which or ("--meter", "kaifa-ma304h3e")),
        "--duration",
        "3600",
        "--warp",
        "1",
        "--dut",
        "cmd",
        "--dut-cmd",
        reader("good"),
        "--broker",
        "embedded",
        "--report-dir",
        str(folder),
        "--meter-cmd",
        " ".join(FAKE_METER),
    ]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_meter_sending(bench: subprocess.Popen, folder: Path, *runs: str) -> set[int]:
    """Wait until each run's meter has sent a frame; the bench's processes then (broker, observer, relay, reader, meter)."""
    sent = [folder / run / "sent.jsonl" for run in runs or ("kaifa-ma304h3e",)]
    deadline = time.monotonic() + BRING_UP_S
    while not all(path.exists() and path.stat().st_size for path in sent):
        assert bench.poll() is None, bench.communicate()
        assert time.monotonic() < deadline, "the meter never sent a frame"
        time.sleep(0.2)
    children = descendants(bench.pid)
    assert len(children) >= 5 * len(sent), children
    return children


def left_behind(pids: set[int]) -> set[int]:
    """The pids still alive after GONE_S; each is killed, so a failing test leaves nothing running either."""
    deadline = time.monotonic() + GONE_S
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive(pids)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_tears_everything_down_and_exits_130(stop, tmp_path):
    bench = start_bench(tmp_path)
    try:
        children = wait_meter_sending(bench, tmp_path)
        bench.send_signal(stop)
        _, err = bench.communicate(timeout=BRING_UP_S)
    finally:
        bench.kill()
    assert not left_behind(children)
    assert bench.returncode == 130, err
    assert f"interrupted ({stop.name})" in err and "Traceback" not in err


def test_no_child_outlives_a_sigkilled_bench(tmp_path):
    bench = start_bench(tmp_path)
    try:
        children = wait_meter_sending(bench, tmp_path)
        os.kill(bench.pid, signal.SIGKILL)
        bench.wait(timeout=10)
    finally:
        bench.kill()
    assert not left_behind(children)
