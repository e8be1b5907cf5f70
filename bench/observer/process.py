"""The observer as the bench drives it: start it, know it is subscribed, stop it, read what it saw."""

import math
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

from ..broker import BrokerEndpoint
from ..errors import BenchError
from ..process import ManagedProcess, wait_until

__all__ = ["Observer", "read_messages"]

READY_TIMEOUT_S = 10.0
# What the subscriber prints once its SUBACK came, and as it loses and regains the broker (then a monotonic stamp).
READY_LINE = "observer subscribed"
DISCONNECTED_LINE, CONNECTED_LINE = "observer disconnected", "observer connected"
LOGIN_ENV = ("HANBENCH_MQTT_USER", "HANBENCH_MQTT_PASSWORD")


class Observer:
    """A subscriber process that records every message published on the broker into messages_path."""

    def __init__(self, endpoint: BrokerEndpoint, run_dir: Path):
        self.endpoint = endpoint
        self.messages_path = Path(run_dir) / "received.jsonl"
        self.log_path = Path(run_dir) / "observer.log"
        # A login travels in the environment, which only this user can read, never in argv, which anyone can.
        login = {LOGIN_ENV[0]: endpoint.username, LOGIN_ENV[1]: endpoint.password or ""} if endpoint.username else {}
        argv = [sys.executable, "-m", "bench.observer.subscriber", self.messages_path, endpoint.host, endpoint.port]
        self._process = ManagedProcess(argv, self.log_path, env=login)

    def start(self) -> None:
        """Start the observer and wait until its subscription is acknowledged."""
        self._process.start()
        wait_until(
            lambda: self._process.log_contains(READY_LINE),
            READY_TIMEOUT_S,
            f"the observer's SUBACK from {self.endpoint}",
            self.log_path,
            BenchError,
            alive=self._process.alive,
        )

    def stop(self) -> None:
        """Stop the observer; every message it received is in messages_path afterwards."""
        self._process.stop()

    def outages(self) -> list[tuple[float, float]]:
        """The monotonic stretches the observer was away from the broker after it first subscribed."""
        return observer_outages(self.log_path)

    def messages(self) -> list[dict]:
        """What the observer recorded, in arrival order."""
        return list(read_messages(self.messages_path))


def observer_outages(log_path: Path) -> list[tuple[float, float]]:
    """From the subscriber's log: each disconnect to the next connect (or to the end, inf), in monotonic seconds."""
    outages, away = [], None
    try:
        lines = Path(log_path).read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        stamp = line.rsplit(" ", 1)[-1]
        if line.startswith(DISCONNECTED_LINE) and away is None:
            away = float(stamp)
        elif line.startswith(CONNECTED_LINE) and away is not None:
            outages.append((away, float(stamp)))
            away = None
    return outages + ([(away, math.inf)] if away is not None else [])


def read_messages(path: Path) -> Iterator[dict]:
    """The recorded messages of a received.jsonl file (a torn last line, from a crash, is left out)."""
    if not Path(path).exists():
        return
    with open(path, "rb") as handle:
        for line in handle:
            if line.endswith(b"\n"):
                yield orjson.loads(line)
