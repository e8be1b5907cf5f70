"""Brokers the bench runs itself (mosquitto or the embedded one) and brokers it only uses (HOST:PORT).

Each started broker is a child process with its own log in the run folder,
listening on an ephemeral port, and counts as ready only once a real MQTT
client has connected to it.
"""

import base64
import getpass
import hashlib
import secrets
import shutil
import sys
from pathlib import Path

from ..errors import BrokerError
from ..process import ManagedProcess, wait_until
from .endpoint import BrokerEndpoint, free_port, is_up
from .lan import LanListener

__all__ = [
    "MOSQUITTO",
    "BrokerServer",
    "EmbeddedBroker",
    "ExternalBroker",
    "MosquittoBroker",
    "mosquitto_password_line",
]

MOSQUITTO = "/usr/sbin/mosquitto"
READY_TIMEOUT_S = 10.0


# How many ports to try when the one chosen was taken before the broker could bind it.
PORT_ATTEMPTS = 3
# A reader under test may publish anything, as fast as it likes: mosquitto refuses a packet over MAX_PACKET
# (a classic document is some 400 bytes; the judge reads at most 64 KiB) and holds at most MAX_QUEUED
# messages or MAX_QUEUED_BYTES for a subscriber that lags, so a flood costs bounded memory, never the machine.
MAX_PACKET = 128 * 1024
MAX_QUEUED, MAX_QUEUED_BYTES = 200_000, 256 * 1024 * 1024


class BrokerServer:
    """A broker process the bench owns: start, probe, restart (same port), stop."""

    kind = "broker"

    def __init__(self, run_dir: Path, host: str = "127.0.0.1", port: int | None = None):
        self.run_dir = Path(run_dir)
        self.host = host
        self.port = port or free_port(host)
        # A port the kernel chose for us can be taken before the broker binds it (a client's
        # ephemeral port): then we may choose another. A port the caller gave is kept.
        self._chosen_port = port is None
        self.log_path = self.run_dir / f"broker-{self.kind}.log"
        self.endpoint = BrokerEndpoint(host, self.port)
        self._process: ManagedProcess | None = None

    def argv(self) -> list[str]:
        """The command that runs this broker."""
        raise NotImplementedError

    def start(self) -> BrokerEndpoint:
        """Start the broker and wait until it accepts an MQTT client; its endpoint."""
        attempts = 1
        while True:
            try:
                return self._start_once()
            except BrokerError:
                if attempts == PORT_ATTEMPTS or not (self._chosen_port and self._port_was_taken()):
                    raise
            attempts += 1
            self.port = free_port(self.host)
            self.endpoint = BrokerEndpoint(self.host, self.port)

    def _start_once(self) -> BrokerEndpoint:
        self._process = ManagedProcess(self.argv(), self.log_path)
        self._process.start()
        wait_until(
            lambda: is_up(self.endpoint, timeout=0.5),
            READY_TIMEOUT_S,
            f"MQTT CONNACK from {self.kind} on {self.endpoint}",
            self.log_path,
            BrokerError,
            alive=self._process.alive,
        )
        return self.endpoint

    def _port_was_taken(self) -> bool:
        """The broker died because its port was in use (both mosquitto and amqtt say so in their log)."""
        return (
            self._process is not None
            and not self._process.alive()
            and "address already in use" in self.log_path.read_text(errors="replace").lower()
        )

    def stop(self) -> None:
        """Stop the broker (every client is disconnected)."""
        if self._process is not None:
            self._process.stop()

    def restart(self) -> None:
        """Stop and start again on the same port: what a reader sees when its broker reboots."""
        self.stop()
        self.start()

    def alive(self) -> bool:
        """True while the broker process runs."""
        return self._process is not None and self._process.alive()

    @property
    def board_endpoint(self) -> BrokerEndpoint:
        """Where a reader logs in: the bench's own endpoint unless a LAN listener is there for a board."""
        return self.endpoint


class MosquittoBroker(BrokerServer):
    """mosquitto with a generated configuration: loopback and anonymous for the bench, and a LAN listener for a board."""

    kind = "mosquitto"

    def __init__(self, run_dir: Path, host: str = "127.0.0.1", port: int | None = None, lan: LanListener | None = None):
        if not Path(MOSQUITTO).exists() and shutil.which("mosquitto") is None:
            raise BrokerError(
                f"mosquitto is not installed ({MOSQUITTO}); apt-get install mosquitto, or use --broker embedded"
            )
        super().__init__(run_dir, host, port)
        self.lan = lan
        self.config_path = self.run_dir / "mosquitto.conf"

    @property
    def board_endpoint(self) -> BrokerEndpoint:
        """The LAN listener's address and login when there is one."""
        return self.lan.endpoint if self.lan else self.endpoint

    def argv(self) -> list[str]:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self._config())
        return [MOSQUITTO if Path(MOSQUITTO).exists() else "mosquitto", "-c", str(self.config_path)]

    def _config(self) -> str:
        lines = [
            # Each listener has its own login rules: the loopback one is the bench's, the LAN one a board's.
            "per_listener_settings true",
            # A slow subscriber should not lose QoS 0 messages: deep queues, a wide in-flight window, all bounded.
            f"max_packet_size {MAX_PACKET}",
            f"max_queued_messages {MAX_QUEUED}",
            f"max_queued_bytes {MAX_QUEUED_BYTES}",
            "max_inflight_messages 65535",
            "persistence false",
            # Run as us: mosquitto started as root otherwise drops to a user that cannot read the run folder.
            f"user {getpass.getuser()}",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            f"listener {self.port} {self.host}",
            "allow_anonymous true",
        ]
        return "\n".join(lines + (self._lan_lines(self.lan) if self.lan else [])) + "\n"

    def _lan_lines(self, lan: LanListener) -> list[str]:
        password_file = self.run_dir / "mosquitto.passwd"
        password_file.touch(mode=0o600)
        password_file.write_text(mosquitto_password_line(lan.username, lan.password))
        lines = [f"listener {lan.port} {lan.host}", "allow_anonymous false", f"password_file {password_file}"]
        if lan.tls:
            lines += [
                f"cafile {lan.tls.ca}",
                f"certfile {lan.tls.cert}",
                f"keyfile {lan.tls.key}",
                "tls_version tlsv1.2",
            ]
        return lines


def mosquitto_password_line(username: str, password: str, iterations: int = 101) -> str:
    """A mosquitto 2 password-file line: PBKDF2-SHA512 with a random salt (the $7$ format mosquitto_passwd writes)."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"{username}:$7${iterations}${_b64(salt)}${_b64(digest)}\n"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class EmbeddedBroker(BrokerServer):
    """The Python broker (amqtt) in a process of its own, on loopback, anonymous."""

    kind = "embedded"

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "bench.broker.embedded", str(self.port)]


class ExternalBroker:
    """A broker someone else runs (HOST:PORT): probed, never started, stopped or restarted."""

    kind = "external"

    def __init__(self, host: str, port: int):
        self.endpoint = BrokerEndpoint(host, port)
        self.log_path = None

    @property
    def board_endpoint(self) -> BrokerEndpoint:
        """A reader logs in where the bench does."""
        return self.endpoint

    def start(self) -> BrokerEndpoint:
        """Check the broker answers; its endpoint."""
        if not is_up(self.endpoint, timeout=3.0):
            raise BrokerError(f"no MQTT broker answers on {self.endpoint}; start it, or use --broker embedded")
        return self.endpoint

    def stop(self) -> None:
        """Nothing to stop: the bench does not own this broker."""

    def restart(self) -> None:
        """Refused: a broker the bench does not own cannot be restarted by it."""
        raise BrokerError(
            f"cannot restart the broker on {self.endpoint}: the bench does not own it; use --broker embedded or mosquitto"
        )

    def alive(self) -> bool:
        """True when the broker answers."""
        return is_up(self.endpoint)
