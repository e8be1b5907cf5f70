"""A device under test's life cycle: built, started, connected, publishing, stopped, in that order.

Like a labgrid driver, a DUT refuses to be used out of order, with a message
that says which step is missing; every wait names what it waited for, the
tail of the DUT's log, and the log's path.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..broker import BrokerEndpoint
from ..errors import DutError, DutStateError
from ..process import tail, wait_until

__all__ = ["CONNECTED_PATTERN", "Dut", "Wiring"]

STATES = ("new", "built", "started", "connected", "publishing", "stopped")
# A reader's log line on connecting to its broker ("disconnected" must not match).
CONNECTED_PATTERN = r"(?i)\bmqtt\b.*\bconnected\b|\bconnected\b.*\bmqtt\b"


@dataclass(frozen=True)
class Wiring:
    """What a reader is connected to: the HAN line it reads, its serial setting, the broker and its topic.

    meter names the profile on the line, so a reader that deciphers can be given that meter's keys;
    output_format is the format the bench reads (a reader the bench configures is set to write it).
    """

    tty: str
    serial: str
    broker: BrokerEndpoint
    topic: str
    meter: str = ""
    output_format: str = "classic"


class Dut:
    """The life cycle every DUT shares; subclasses say how to build, launch and stop themselves."""

    kind = "dut"
    # True for a DUT that is one piece of hardware (a board on a rig): its runs cannot go side by side.
    one_at_a_time = False

    def __init__(self, run_dir: Path, connected_pattern: str = CONNECTED_PATTERN):
        self.run_dir = Path(run_dir)
        self.log_path = self.run_dir / f"dut-{self.kind}.log"
        self.connected_pattern = connected_pattern
        self.state = "new"
        self.wiring: Wiring | None = None

    def _require(self, *states: str, doing: str) -> None:
        if self.state not in states:
            raise DutStateError(
                f"cannot {doing} a {self.kind} DUT that is {self.state}; it must be {' or '.join(states)} first"
            )

    def relocate(self, run_dir: Path) -> None:
        """Keep the next start's log in another run folder (one DUT serves run after run)."""
        self._require("new", "built", "stopped", doing="move the log of")
        self.run_dir = Path(run_dir)
        self.log_path = self.run_dir / self.log_path.name

    def check_format(self, output_format: str) -> None:
        """Refuse, before anything starts, a format this reader cannot be asked to write; any reader may try any."""

    def build(self) -> None:
        """Make the DUT ready to start (compile it, check it is there)."""
        self._require("new", doing="build")
        self._build()
        self.state = "built"

    def start(self, wiring: Wiring) -> None:
        """Start the reader on its line and broker."""
        self._require("built", "stopped", doing="start")
        self.wiring = wiring
        self._launch(wiring)
        self.state = "started"

    def wait_connected(self, timeout: float = 15.0) -> None:
        """Wait until the reader says it is connected to its broker."""
        self._require("started", doing="wait for the connection of")
        wait_until(
            self._connected,
            timeout,
            f"line matching {self.connected_pattern!r} (MQTT connected) in the DUT's log",
            self.log_path,
            DutError,
            alive=self.alive,
        )
        self.state = "connected"

    def wait_publishing(self, seen: Callable[[], bool], timeout: float = 15.0) -> None:
        """Wait until the observer has seen the reader's first publication."""
        self._require("connected", doing="wait for the first publication of")
        wait_until(
            seen, timeout, f"first publication on {self._wired().topic}", self.log_path, DutError, alive=self.alive
        )
        self.state = "publishing"

    def stop(self) -> None:
        """Stop the reader (a DUT that never started is left as it is)."""
        if self.state in ("started", "connected", "publishing"):
            self._halt()
            self.state = "stopped"

    def restart(self) -> None:
        """Stop and start again on the same wiring: what a reader does after a power cut."""
        self._require("started", "connected", "publishing", doing="restart")
        self.stop()
        self.start(self._wired())

    def tail(self, lines: int = 15) -> str:
        """The last lines of the DUT's log, for a failure report."""
        return tail(self.log_path, lines)

    def alive(self) -> bool:
        """True while the reader runs (a board on a rig always counts as running)."""
        return True

    def _wired(self) -> Wiring:
        """The wiring of the last start (a state check before this guarantees there was one)."""
        if self.wiring is None:
            raise DutStateError(f"the {self.kind} DUT was never started, so it has no wiring")
        return self.wiring

    def _connected(self) -> bool:
        raise NotImplementedError

    def _build(self) -> None:
        raise NotImplementedError

    def _launch(self, wiring: Wiring) -> None:
        raise NotImplementedError

    def _halt(self) -> None:
        raise NotImplementedError
