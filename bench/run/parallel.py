"""A set's runs side by side: each with its own reader, broker port, pty and run folder, as many as the CPUs carry.

Every part of a run is a process of its own (broker, observer, relay, reader,
meter), so a worker thread mostly waits on its children and threads suffice.
Each worker owns one DUT and uses it run after run, as the single worker of a
sequential bench does, so a reader never serves two runs at once. The longest
runs start first, so that the last to end is a short one. Each run has a load,
the share of a CPU it keeps busy: a run at warp 60 mostly waits for its next
frame (a quarter of a CPU, most of it its processes' start), a run through the
simulated gateware or as fast as its line goes takes a whole one. A run starts
when its load fits beside the loads running, so a heavy run goes beside light
ones rather than alone, and the CPUs are never asked for more than they have,
which would show as the readers' latency. A stop signal reaches the main thread
only: it stops every child the bench started, which ends each worker's run at
its next wait, and waits for their teardowns.
"""

import threading
import time
from collections.abc import Callable

from ..dut import Dut
from ..meter import MeterRun
from ..process import stop_every_child
from .outcome import RunResult
from .runsets import NamedRun

__all__ = ["RUNS_PER_CPU", "run_load", "run_side_by_side"]

# How long the workers get to tear down after a stop signal (their children are already stopped).
UNWIND_S = 30.0
# What a run keeps busy, in CPUs: a run's five processes starting and its verdict at the end (some 2 s of CPU in a
# run of 10 s), and each frame through simulator, relay, reader, broker and observer (some 250 µs, measured on the
# 2-core machine); a run that takes all a CPU can give (the gateware in simulation, a line as fast as it goes) is 1.
BASE_LOAD = 0.2
CPU_PER_FRAME_S = 250e-6
WHOLE_CPU = 1.0
# Ten loads of 0.2 add up to 2.0000000000000004: the sum of loads is compared with this much room.
FLOAT_SLACK = 1e-9
# The most runs side by side per CPU by default: light runs mostly wait for their next frame.
RUNS_PER_CPU = 4


def run_load(run: MeterRun) -> float:
    """The share of a CPU a run keeps busy while it runs (see BASE_LOAD)."""
    wall = run.wall_seconds()
    if wall is None or run.line != "serial":
        return WHOLE_CPU
    return min(WHOLE_CPU, BASE_LOAD + CPU_PER_FRAME_S * run.expected_frames() / wall)


class _Schedule:
    """The runs not yet started, handed out in order: the first whose load fits beside the running ones' loads."""

    def __init__(self, runs: list[NamedRun], load: Callable[[NamedRun], float], capacity: float):
        self._pending = list(runs)
        self._load = load
        self._capacity = capacity
        self._running_load = 0.0
        self._running = 0
        self._changed = threading.Condition()
        self._closed = False

    def take(self) -> NamedRun | None:
        """The next run this worker may start (waiting while none fits beside the running ones); None when done."""
        with self._changed:
            while not self._closed and self._pending:
                named = next((n for n in self._pending if self._fits(n)), None)
                if named is not None:
                    self._pending.remove(named)
                    self._running_load += self._load(named)
                    self._running += 1
                    return named
                self._changed.wait()
            return None

    def _fits(self, named: NamedRun) -> bool:
        """A run fits when its load adds up to the capacity at most; any run fits when nothing runs."""
        return self._running == 0 or self._running_load + self._load(named) <= self._capacity + FLOAT_SLACK

    def finished(self, named: NamedRun) -> None:
        """A run ended: its load makes room for others."""
        with self._changed:
            self._running -= 1
            self._running_load = max(0.0, self._running_load - self._load(named)) if self._running else 0.0
            self._changed.notify_all()

    def close(self) -> None:
        """Start no more runs."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def run_side_by_side(
    runs: list[NamedRun],
    duts: list[Dut],
    run_one: Callable[[NamedRun, Dut], RunResult],
    expected_wall_s: Callable[[NamedRun], float],
    load: Callable[[NamedRun], float],
    capacity: float,
) -> list[RunResult]:
    """Every run, up to len(duts) at a time and within capacity (CPUs) of load, each on a DUT no other run uses
    meanwhile; the results in the runs' order.

    As with one worker, the first error of the bench's own ends the command: no
    run starts after it, the running ones end, and it is raised.
    """
    schedule = _Schedule(sorted(runs, key=lambda named: -expected_wall_s(named)), load, capacity)
    results: dict[int, RunResult] = {}
    errors: list[BaseException] = []

    def work(dut: Dut) -> None:
        while (named := schedule.take()) is not None:
            try:
                results[id(named)] = run_one(named, dut)
            except BaseException as error:  # handed to the main thread, which raises it
                errors.append(error)
                schedule.close()
            finally:
                schedule.finished(named)

    workers = [
        threading.Thread(target=work, args=(dut,), name=f"hanbench-run-{i}", daemon=True) for i, dut in enumerate(duts)
    ]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join()
    except KeyboardInterrupt:  # a stop signal (bench.exits raises Interrupted, a KeyboardInterrupt)
        schedule.close()
        _unwind(workers)
        raise
    if errors:
        raise errors[0]
    return [results[id(named)] for named in runs]


def _unwind(workers: list[threading.Thread]) -> None:
    """Stop every child, so each running run fails fast, and give the workers time to tear down."""
    deadline = time.monotonic() + UNWIND_S
    while any(worker.is_alive() for worker in workers) and time.monotonic() < deadline:
        stop_every_child()  # again and again: a worker may have been starting a part when the last sweep went by
        time.sleep(0.1)
