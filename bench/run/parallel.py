"""A set's runs side by side: a worker per core, each with its own reader, broker port, pty and run folder.

Every part of a run is a process of its own (broker, observer, relay, reader,
meter), so a worker thread mostly waits on its children and threads suffice.
Each worker owns one DUT and uses it run after run, as the single worker of a
sequential bench does, so a reader never serves two runs at once. The longest
runs start first, so that the last to end is a short one. A stop signal reaches
the main thread only: it stops every child the bench started, which ends each
worker's run at its next wait, waits for their teardowns, and goes on unwinding.
"""

import queue
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Callable

from ..dut import Dut
from ..process import stop_every_child
from .outcome import RunResult
from .scenarios import NamedRun

__all__ = ["run_side_by_side"]

# How long the workers get to tear down after a stop signal (their children are already stopped).
UNWIND_S = 30.0
# A run as fast as its line goes has no wall time to sort by: counted as this many seconds (the M-Bus runs).
AS_FAST_AS_IT_GOES_S = 60.0


def run_side_by_side(runs: list[NamedRun], duts: list[Dut], run_one: Callable[[NamedRun, Dut], RunResult],
                     expected_wall_s: Callable[[NamedRun], float | None]) -> list[RunResult]:
    """Every run, len(duts) at a time, each on a DUT no other run uses meanwhile; the results in the runs' order."""
    free: queue.SimpleQueue[Dut] = queue.SimpleQueue()
    for dut in duts:
        free.put(dut)

    def on_a_free_dut(named: NamedRun) -> RunResult:
        dut = free.get()
        try:
            return run_one(named, dut)
        finally:
            free.put(dut)

    longest_first = sorted(runs, key=lambda named: -(expected_wall_s(named) or AS_FAST_AS_IT_GOES_S))
    pool = ThreadPoolExecutor(max_workers=len(duts), thread_name_prefix="hanbench-run")
    futures = {id(named): pool.submit(on_a_free_dut, named) for named in longest_first}
    try:
        _wait_or_raise_the_first_error(list(futures.values()))
    except (KeyboardInterrupt, SystemExit):
        _unwind(list(futures.values()))
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [futures[id(named)].result() for named in runs]


def _wait_or_raise_the_first_error(futures: list[Future]) -> None:
    """Wait for every run; on a run's error (the bench's own), start no more, let the running ones end, raise it.

    As with one worker, where the first error ends the command before the next run starts.
    """
    done, _ = wait(futures, return_when=FIRST_EXCEPTION)
    error = next((future.exception() for future in done if future.exception() is not None), None)
    if error is not None:
        for future in futures:
            future.cancel()
        wait(futures)
        raise error


def _unwind(futures: list[Future]) -> None:
    """After a stop signal: start no more runs, stop every child, and give the running ones time to tear down."""
    for future in futures:
        future.cancel()
    stop_every_child()
    deadline = time.monotonic() + UNWIND_S
    while any(future.running() for future in futures) and time.monotonic() < deadline:
        stop_every_child()  # a worker may have been starting a part when the first sweep went by
        time.sleep(0.1)
