"""Runs side by side: the same verdicts as one after another, each run on its own broker, pty and reader."""

import itertools
import re
import signal
import subprocess
import sys
import threading

import pytest

from bench import Bench, LoopOptions, make_dut
from bench.meter import MeterRun
from bench.run.parallel import BASE_LOAD, WHOLE_CPU, _Schedule, run_load, run_side_by_side
from bench.run.runsets import NamedRun
from tests.bench.test_loop import FAKE_METER, reader
from tests.bench.test_signals import BRING_UP_S, left_behind, start_bench, wait_meter_sending

# A run the right reader passes, one it passes with a fault plan, one it fails (no reader answers in a microsecond).
SMALL_SET = [
    NamedRun("kaifa", {"meter": "kaifa-ma304h3e", "duration": "30s", "warp": "15"}),
    NamedRun("aidon-bad-fcs", {"meter": "aidon-6534", "duration": "30s", "warp": "15", "faults": "bad-fcs"}),
    NamedRun(
        "kamstrup-too-strict", {"meter": "kamstrup-6841121", "duration": "30s", "warp": "15", "latency_limit_s": 0.001}
    ),
]


def run_set(folder, workers: int) -> list:
    """SMALL_SET through the fake meter into the right fake reader, `workers` runs at a time."""
    options = LoopOptions(broker="embedded", meter_command=FAKE_METER, latency_limit_s=3.0)
    duts = [make_dut("cmd", folder, command=reader("good")) for _ in range(workers)]
    bench = Bench(duts[0], folder, options)
    return run_side_by_side(
        SMALL_SET,
        duts,
        lambda named, dut: bench.run(name=named.name, dut=dut, **named.options),
        lambda named: 2.0,
        lambda named: 0.2,
        2.0,
    )


@pytest.mark.parametrize("workers", [2, 3])
def test_n_workers_give_the_verdicts_one_gives(workers, tmp_path):
    one = run_set(tmp_path / "one", 1)
    many = run_set(tmp_path / "many", workers)  # three workers: every run of the set at once
    verdicts = [(r.run_dir.name, r.verdict.status, r.verdict.reasons(), r.verdict.frames) for r in one]
    assert verdicts == [(r.run_dir.name, r.verdict.status, r.verdict.reasons(), r.verdict.frames) for r in many]
    assert [status for _, status, _, _ in verdicts] == ["PASS", "PASS", "FAIL"]
    assert verdicts[2][2] == {"latency"}
    assert (tmp_path / "many" / "junit.xml").read_text().count("<testsuite ") == 3


def test_runs_side_by_side_overlap_each_on_its_own_broker_and_pty(tmp_path):
    runs = []
    for result in run_set(tmp_path, 2):
        wiring = re.search(r"good (/dev/pts/\d+) 127.0.0.1 (\d+) ", result.dut_log.read_text())
        assert wiring, f"no wiring line in {result.dut_log}"
        runs.append((result.frames[0]["start_mono"], result.frames[-1]["end_mono"], *wiring.groups()))
    overlapping = [(a, b) for a, b in itertools.combinations(runs, 2) if a[0] < b[1] and b[0] < a[1]]
    assert overlapping, f"no two runs sent at the same time: {runs}"
    assert all(a[2] != b[2] and a[3] != b[3] for a, b in overlapping), overlapping
    assert len({port for *_, port in runs}) == 3, runs


def test_a_stop_signal_tears_down_every_run_side_by_side(tmp_path):
    bench = start_bench(tmp_path, "--meter", "all", "--workers", "2")
    try:
        children = wait_meter_sending(bench, tmp_path, "aidon-6515", "aidon-6525")  # the first two, side by side
        bench.send_signal(signal.SIGTERM)
        _, err = bench.communicate(timeout=BRING_UP_S)
    finally:
        bench.kill()
    assert bench.returncode == 130, err
    assert not left_behind(children)


def test_a_board_on_a_rig_is_refused_two_workers_in_one_line(tmp_path):
    argv = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--meter",
        "all",
        "--dut",
        "rig",
        "--port",
        "/dev/null",
        "--workers",
        "2",
        "--report-dir",
        str(tmp_path),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        (
            "hanbench run: --workers 2 runs readers side by side, each with a broker of its own: "
            "a board on a rig or a broker at HOST:PORT takes --workers 1"
        )
    ]


def take(schedule: _Schedule) -> NamedRun:
    """The schedule's next run, where the test expects one to be free."""
    named = schedule.take()
    assert named is not None, "the schedule handed out no run"
    return named


def taken_in_a_thread(schedule: _Schedule) -> tuple[threading.Thread, list]:
    """A worker asking the schedule for its next run; what it got lands in the list."""
    taken: list = []
    worker = threading.Thread(target=lambda: taken.append(schedule.take()))
    worker.start()
    worker.join(0.5)
    return worker, taken


def test_a_run_starts_only_where_its_load_fits_and_a_heavy_one_goes_beside_light_ones():
    loads = {"gateware-1": 1.0, "gateware-2": 1.0, "day": 0.7, "light-1": 0.2, "light-2": 0.2}
    schedule = _Schedule([NamedRun(name, {}) for name in loads], lambda named: loads[named.name], 2.0)
    gateware = [take(schedule), take(schedule)]
    assert [named.name for named in gateware] == ["gateware-1", "gateware-2"]
    beside, taken = taken_in_a_thread(schedule)
    assert beside.is_alive() and not taken  # two CPUs' worth runs: nothing more fits
    schedule.finished(gateware[0])
    beside.join(10)
    assert [named.name for named in taken] == ["day"]  # 1.0 + 0.7 of 2.0
    assert take(schedule).name == "light-1"  # 1.9: a light run fits beside the heavy ones, the second does not
    late, taken = taken_in_a_thread(schedule)
    assert late.is_alive() and not taken
    schedule.finished(gateware[1])
    late.join(10)
    assert [named.name for named in taken] == ["light-2"]
    assert schedule.take() is None


def test_a_run_heavier_than_the_machine_still_runs_when_nothing_else_does():
    schedule = _Schedule([NamedRun("huge", {})], lambda named: 5.0, 2.0)
    huge = take(schedule)
    assert huge.name == "huge"
    schedule.finished(huge)
    assert schedule.take() is None


def test_a_run_through_the_gateware_or_as_fast_as_it_goes_takes_a_cpu_and_a_warped_day_more_than_a_light_run():
    light = run_load(MeterRun("kaifa-ma304h3e", "10min", "60"))
    day = run_load(MeterRun("kaifa-ma304h3e", "1d", "3600"))
    assert BASE_LOAD <= light < 0.3 < day < WHOLE_CPU
    assert run_load(MeterRun("kaifa-ma304h3e", "1min", "max")) == WHOLE_CPU
    assert run_load(MeterRun("kaifa-ma304h3e", "1min", "60", line="mbus-sim")) == WHOLE_CPU
