"""The line between meter and reader: a pty pair the bench relays (CI), or a real port (a rig)."""

import sys
from pathlib import Path

from ..errors import MeterError
from ..process import ManagedProcess, wait_until

__all__ = ["BENCH_FAULTS", "READY_LINE", "PortLine", "PtyLine"]

# What the relay prints once both ptys exist.
READY_LINE = "line ready"
# The run folder's record of the bench's own losses: one JSON object a line, {"start", "end", "what"} (monotonic).
BENCH_FAULTS = "bench-faults.jsonl"


class PtyLine:
    """Two ptys and a relay process: meter_port for the simulator, reader_port for the reader."""

    def __init__(self, run_dir: Path):
        self.run_dir = Path(run_dir)
        self.log_path = self.run_dir / "line.log"
        self._process = ManagedProcess([sys.executable, "-m", "bench.line.relay", self.run_dir], self.log_path)
        self.meter_port: str | None = None
        self.reader_port: str | None = None

    def open(self) -> None:
        """Create the pair and learn both paths."""
        self._process.start()
        wait_until(
            lambda: self._process.log_contains(READY_LINE),
            10.0,
            "the pty pair",
            self.log_path,
            MeterError,
            alive=self._process.alive,
        )
        self.meter_port = (self.run_dir / "meter.tty").read_text()
        self.reader_port = (self.run_dir / "reader.tty").read_text()

    def close(self) -> None:
        """Remove the pair."""
        self._process.stop()


class PortLine:
    """A real serial port (a USB UART wired to a board's HAN input): the meter writes it, the board reads it."""

    def __init__(self, port: str):
        self.meter_port = port
        self.reader_port = port

    def open(self) -> None:
        """Nothing to open here: the simulator opens the port with the meter's settings."""

    def close(self) -> None:
        """Nothing to close."""
