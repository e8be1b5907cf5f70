"""What a run is judged to be: checks that pass or fail, each failure with its reason, and the latency figures."""

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CHECKS", "Check", "Failure", "Latency", "Verdict"]

# Every check a run is judged by, and what it asks of the reader.
CHECKS = {
    "published": "every frame a correct reader publishes was published",
    "values": "every published value equals the value sent, within the meter's resolution",
    "no-extra": "nothing published that no frame sent",
    "no-duplicates": "no frame published twice",
    "corrupt-frames": "nothing published from a frame the fault plan corrupted",
    "order": "frames published in the order they were sent",
    "latency": "every message arrived within the limit after its frame's last byte",
}


@dataclass
class Failure:
    """One thing a reader did wrong: the check, the frame and message it concerns, and what was wrong."""

    check: str
    detail: str
    seq: int | None = None
    message: int | None = None


@dataclass
class Latency:
    """Seconds from a frame's last byte on the line to its message at the bench."""

    count: int = 0
    median: float | None = None
    p99: float | None = None
    maximum: float | None = None
    limit: float = 1.0
    samples: list[float] = field(default_factory=list, repr=False)


@dataclass
class Check:
    """One check of a run: passed when it has no failures."""

    name: str
    description: str
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when nothing failed this check."""
        return not self.failures


@dataclass
class Verdict:
    """A run's judgement: PASS only when every check passed."""

    checks: list[Check]
    latency: Latency
    frames: int
    expected: int
    publications: int
    excused: list[Failure] = field(default_factory=list)
    # The bench's own faults in this run: what it proves about the frames they touched is nothing.
    bench_problems: list[str] = field(default_factory=list)

    @property
    def reader_failed(self) -> bool:
        """True when the reader failed a check (frames the bench lost are never counted against it)."""
        return not all(check.passed for check in self.checks)

    @property
    def passed(self) -> bool:
        """True when every check passed and the bench itself lost nothing: the run proves the reader right."""
        return not self.reader_failed and not self.bench_problems

    @property
    def status(self) -> str:
        """FAIL (the reader's), BENCH-PROBLEM (the bench's; the reader failed nothing), or PASS."""
        return "FAIL" if self.reader_failed else "BENCH-PROBLEM" if self.bench_problems else "PASS"

    @property
    def failures(self) -> list[Failure]:
        """Every failure of every check, check by check."""
        return [failure for check in self.checks for failure in check.failures]

    def reasons(self) -> set[str]:
        """The names of the checks that failed."""
        return {check.name for check in self.checks if not check.passed}

    def as_dict(self) -> dict[str, Any]:
        """The verdict as plain data, for the JSON summary."""
        latency = {k: v for k, v in asdict(self.latency).items() if k != "samples"}
        return {
            "verdict": self.status,
            "bench_problems": self.bench_problems,
            "frames": self.frames,
            "expected": self.expected,
            "publications": self.publications,
            "latency_s": latency,
            "checks": [
                {
                    "name": c.name,
                    "description": c.description,
                    "passed": c.passed,
                    "failures": [asdict(f) for f in c.failures],
                }
                for c in self.checks
            ],
            "excused": [asdict(f) for f in self.excused],
        }
