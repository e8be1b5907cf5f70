"""The simulated meter as the bench drives it: the simulator's command, writing a line and the sent log."""

import sys
from dataclasses import dataclass
from pathlib import Path

import hardware  # noqa: F401  (registers the mbus-sim line kind, so runs can name it)
from meter_profiles import Profile, ProfileError, get_profile
from simulator.errors import SimulatorError
from simulator.faults import load_plans
from simulator.lines import line_kinds
from simulator.meter import parse_start
from simulator.readings import load_scenario

from ..errors import MeterError, RunOptionError
from ..process import ManagedProcess, tail
from .timing import parse_duration, parse_warp

__all__ = ["SIMULATOR_CMD", "MeterRun", "SimulatorMeter", "parse_duration", "parse_warp"]

SIMULATOR_CMD = (sys.executable, "-m", "bench.meter.simulate")


@dataclass(frozen=True)
class MeterRun:
    """What the meter does in one run: which model, readings, start time, how long, how fast, which faults, which line.

    `line` is the simulator's line kind: serial (the bench's pty or a port),
    mbus-sim (through the gateware in simulation), mbus (a real emulator board).
    """

    meter: str
    duration: str = "10min"
    warp: str = "60"
    scenario: str | None = None
    start: str | None = None
    faults: str | None = None
    line: str = "serial"

    def __post_init__(self) -> None:
        if self.line not in line_kinds():
            raise MeterError(f"unknown line kind {self.line!r}; known: {', '.join(line_kinds())}")

    @property
    def profile(self) -> Profile:
        """The meter's profile (a one-line error for an unknown name)."""
        try:
            return get_profile(self.meter)
        except ProfileError as error:
            raise MeterError(str(error)) from None

    def check(self) -> "MeterRun":
        """Everything the simulator will be told, loaded as it will load it, before any process starts."""
        profile = self.profile
        self.seconds, self.wall_seconds()
        try:
            load_plans(self.faults)
            load_scenario(self.scenario or "household-day")
            parse_start(self.start, profile.clock)
        except SimulatorError as error:
            raise RunOptionError(f"{self.meter}: {error}") from None
        return self

    @property
    def seconds(self) -> float:
        """The run's length in meter seconds."""
        return parse_duration(self.duration)

    def expected_frames(self) -> int:
        """About how many frames the run puts on the line (for a progress bar)."""
        return int(sum(self.seconds / slot.period_s for slot in self.profile.schedule))

    def wall_seconds(self) -> float | None:
        """How long the run takes on the wall clock (None when warped as fast as the line goes)."""
        warp = parse_warp(self.warp)
        return None if warp is None else self.seconds / warp


class SimulatorMeter:
    """The simulator as a child process: `hanbench sim --meter ... --line KIND --port LINE --sent-log FILE`."""

    def __init__(self, run: MeterRun, port: str, run_dir: Path, command: tuple[str, ...] = SIMULATOR_CMD):
        self.run = run
        self.sent_log = Path(run_dir) / "sent.jsonl"
        self.log_path = Path(run_dir) / "meter.log"
        options = {"--scenario": run.scenario, "--start": run.start, "--faults": run.faults}
        argv = [
            *command,
            "--meter",
            run.meter,
            "--line",
            run.line,
            "--port",
            port,
            "--sent-log",
            self.sent_log,
            "--duration",
            run.duration,
            "--warp",
            run.warp,
        ]
        argv += [part for option, value in options.items() if value for part in (option, value)]
        self._process = ManagedProcess(argv, self.log_path)
        self._counted_bytes = self._frames_counted = 0

    def start(self) -> None:
        """Start putting frames on the line."""
        self._process.start()

    def running(self) -> bool:
        """True while the meter still sends."""
        return self._process.alive()

    def frames_sent(self) -> int:
        """Frames in the sent log so far: only what was appended since the last call is read.

        The bench asks ten times a second while a warped day grows the log to
        tens of megabytes; reading it whole each time cost more CPU than the reader under test.
        """
        try:
            with open(self.sent_log, "rb") as handle:
                handle.seek(self._counted_bytes)
                added = handle.read()
        except FileNotFoundError:
            return 0
        whole = added.rfind(b"\n") + 1  # a line still being written is counted next time
        self._frames_counted += added.count(b"\n", 0, whole)
        self._counted_bytes += whole
        return self._frames_counted

    def finish(self, timeout: float) -> None:
        """Wait for the meter to end its run; a failed or overlong run is a MeterError with its log's tail."""
        status = self._process.wait_exit(timeout)
        if status is None:
            self._process.stop()
            raise MeterError(
                f"the meter did not finish within {timeout:.0f} s; last lines of {self.log_path}:\n"
                f"{tail(self.log_path)}"
            )
        if status != 0:
            raise MeterError(
                f"the meter exited with status {status}; last lines of {self.log_path}:\n{tail(self.log_path)}"
            )

    def stop(self) -> None:
        """Stop sending at once."""
        self._process.stop()
