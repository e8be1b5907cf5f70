"""The bench as one object: a DUT, loop options and a report folder; run() gives a judged, reported result.

The command line, the pytest plugin and the manufacturing self-test all go
through Bench, so a run means the same wherever it is started.
"""

import threading
from collections.abc import Callable
from pathlib import Path

from ..dut import Dut
from ..meter import MeterRun
from ..report import write_junit, write_reports
from .outcome import RunResult
from .session import LoopOptions, run_loop

__all__ = ["Bench"]


class Bench:
    """Runs meters into one DUT and writes each run's reports under report_dir."""

    def __init__(self, dut: Dut, report_dir: Path, options: LoopOptions | None = None):
        self.dut = dut
        self.report_dir = Path(report_dir)
        self.options = options or LoopOptions()
        self.results: list[RunResult] = []
        # Called with each result as it is judged (the pytest plugin attaches it to the test's output).
        self.on_result: list[Callable[[RunResult], None]] = []
        # Runs side by side (bench.run.parallel) share the results and the report folder's junit.xml.
        self._results_lock = threading.Lock()

    def run(
        self,
        meter: str,
        duration: str = "10min",
        warp: str | float = 60,
        scenario: str | None = None,
        start: str | None = None,
        faults: str | None = None,
        line: str = "serial",
        name: str | None = None,
        progress: Callable[[int, int], None] = lambda sent, total: None,
        dut: Dut | None = None,
        **overrides,
    ) -> RunResult:
        """One judged run with its reports; overrides change LoopOptions for this run only (restart_broker_at=0.5).

        dut: another reader for this run than the bench's own (each worker's, when runs go side by side).
        """
        run = MeterRun(meter, str(duration), str(warp), scenario, start, faults, line)
        options = LoopOptions(**{**self.options.__dict__, **overrides})
        result = run_loop(run, dut or self.dut, self.report_dir / (name or meter), options, progress)
        write_reports(result)
        with self._results_lock:
            self.results.append(result)
            write_junit(self.results, self.report_dir / "junit.xml")
        for listener in self.on_result:
            listener(result)
        return result
