"""Where a broker listens and how to log in: what every MQTT client of the bench needs."""

import secrets
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

__all__ = ["BrokerEndpoint", "free_port", "generate_credentials", "is_up", "new_client"]


@dataclass(frozen=True)
class BrokerEndpoint:
    """A broker's address and credentials (user and password None when anonymous)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def free_port(host: str = "127.0.0.1") -> int:
    """An unused TCP port on host, chosen by the kernel."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def generate_credentials() -> tuple[str, str]:
    """A fresh user name and password for a broker that remote boards log in to."""
    return f"hanbench-{secrets.token_hex(3)}", secrets.token_urlsafe(12)


def new_client(endpoint: BrokerEndpoint, client_id: str = "") -> mqtt.Client:
    """A paho client (MQTT 3.1.1) with the endpoint's credentials set."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    if endpoint.username is not None:
        client.username_pw_set(endpoint.username, endpoint.password)
    return client


def is_up(endpoint: BrokerEndpoint, timeout: float = 1.0, ca: Path | None = None) -> bool:
    """True when the broker accepts an MQTT connection (a CONNACK with success) within timeout; over TLS trusting ca."""
    accepted = threading.Event()
    client = new_client(endpoint)
    if ca is not None:
        client.tls_set(ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED)

    def connected(_client: object, _userdata: object, _flags: object, reason: ReasonCode, _properties: object) -> None:
        if not reason.is_failure:
            accepted.set()

    client.on_connect = connected
    try:
        client.connect(endpoint.host, endpoint.port, keepalive=5)
    except OSError:
        return False
    client.loop_start()
    try:
        return accepted.wait(timeout)
    finally:
        client.disconnect()
        client.loop_stop()
