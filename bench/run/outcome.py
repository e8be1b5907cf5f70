"""What a run leaves: its verdict, its folder, and an assertion that explains a failure."""

from dataclasses import dataclass, field
from pathlib import Path

from simulator.run.sentlog import SentEntry

from ..check import Excuse, Verdict
from ..meter import MeterRun
from ..observer.adapters import Publication
from ..process import tail

__all__ = ["RunResult"]

SHOWN_FAILURES = 10


@dataclass
class RunResult:
    """A judged run: the verdict, the run folder with every log, and the data the reports are drawn from."""

    run: MeterRun
    verdict: Verdict
    run_dir: Path
    dut_log: Path
    frames: list[SentEntry] = field(repr=False, default_factory=list)
    publications: list[Publication] = field(repr=False, default_factory=list)
    excuses: list[Excuse] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when the reader passed every check."""
        return self.verdict.passed

    def explain(self) -> str:
        """The failures (the first few of each check), the DUT's last lines and where the report is."""
        lines = [
            f"{self.run.meter}: {self.verdict.status} ({self.verdict.frames} frames, "
            f"{self.verdict.publications} publications); report in {self.run_dir}"
        ]
        lines += [f"  the bench: {problem}" for problem in self.verdict.bench_problems]
        for check in self.verdict.checks:
            for failure in check.failures[:SHOWN_FAILURES]:
                lines.append(f"  {check.name}: {failure.detail}")
            if len(check.failures) > SHOWN_FAILURES:
                lines.append(f"  {check.name}: ... and {len(check.failures) - SHOWN_FAILURES} more")
        if not self.passed:
            lines.append(f"last lines of {self.dut_log}:")
            lines += ["    " + line for line in tail(self.dut_log).splitlines()]
        return "\n".join(lines)

    def assert_passed(self) -> "RunResult":
        """Raise AssertionError with the explanation unless the run passed; the result otherwise."""
        if not self.passed:
            raise AssertionError(self.explain())
        return self
