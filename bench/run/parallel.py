"""A set's runs side by side: a worker per core, each with its own reader, broker port, pty and run folder.

Every part of a run is a process of its own (broker, observer, relay, reader,
meter), so a worker thread mostly waits on its children and threads suffice.
Each worker owns one DUT and uses it run after run, as the single worker of a
sequential bench does, so a reader never serves two runs at once. The longest
runs start first, so that the last to end is a short one; a heavy run (a
warped day: thousands of frames a second through the broker) runs alone,
since any other run's CPU would show as the reader's latency. A stop signal
reaches the main thread only: it stops every child the bench started, which
ends each worker's run at its next wait, and waits for their teardowns.
"""

import threading
import time
from collections.abc import Callable

from ..dut import Dut
from ..process import stop_every_child
from .outcome import RunResult
from .runsets import NamedRun

__all__ = ["run_side_by_side"]

# How long the workers get to tear down after a stop signal (their children are already stopped).
UNWIND_S = 30.0


class _Schedule:
    """The runs not yet started, handed out in order; a heavy one only when nothing runs, and nothing beside it."""

    def __init__(self, runs: list[NamedRun], heavy: Callable[[NamedRun], bool]):
        self._pending = list(runs)
        self._heavy = heavy
        self._heavy_running = False
        self._running = 0
        self._changed = threading.Condition()
        self._closed = False

    def take(self) -> NamedRun | None:
        """The next run this worker may start (waiting while a heavy one runs or waits for the others); None when done."""
        with self._changed:
            while not self._closed and self._pending:
                named = (
                    None
                    if self._heavy_running
                    else next((n for n in self._pending if self._running == 0 or not self._heavy(n)), None)
                )
                if named is not None:
                    self._pending.remove(named)
                    self._heavy_running = self._heavy(named)
                    self._running += 1
                    return named
                self._changed.wait()
            return None

    def finished(self, named: NamedRun) -> None:
        """A run ended: a heavy one frees the way for the others."""
        with self._changed:
            self._running -= 1
            if self._heavy(named):
                self._heavy_running = False
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
    heavy: Callable[[NamedRun], bool],
) -> list[RunResult]:
    """Every run, len(duts) at a time, each on a DUT no other run uses meanwhile; the results in the runs' order.

    As with one worker, the first error of the bench's own ends the command: no
    run starts after it, the running ones end, and it is raised.
    """
    schedule = _Schedule(sorted(runs, key=lambda named: -expected_wall_s(named)), heavy)
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
