"""Where a board on the rig finds the bench's broker: a LAN listener, its login, optionally TLS with a generated CA.

The board is set up once (its WiFi, broker, user and password), so the
settings must not change between runs: with a credentials file they are made
once, kept 0600, and read back on every run. The password goes to the
operator's console and that file, never to a child's argv or a log. The
bench's own clients (observer, station) stay on the loopback listener.
"""

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BrokerError
from .endpoint import BrokerEndpoint, free_port, generate_credentials
from .tls import TlsFiles, make_tls

__all__ = ["LanListener", "lan_listener"]


@dataclass(frozen=True)
class LanListener:
    """The broker's listener for a board: address, port, login, and the TLS files when it speaks TLS."""

    host: str
    port: int
    username: str
    password: str
    tls: TlsFiles | None = None

    @property
    def endpoint(self) -> BrokerEndpoint:
        """What a board logs in to."""
        return BrokerEndpoint(self.host, self.port, self.username, self.password)

    def board_settings(self) -> str:
        """The lines an operator types into the board's set-up (to the console only, never a log)."""
        line = f"MQTT broker for the board: host {self.host} port {self.port} user {self.username} password {self.password}"
        return line + (f" TLS, trusting the CA in {self.tls.ca}" if self.tls else "")


def _read(path: Path) -> dict[str, Any]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise BrokerError(
            f"{path} holds the broker's password but others may read it (mode {mode:o}); chmod 600 {path}"
        )
    try:
        kept = json.loads(path.read_text())
        return {"user": str(kept["user"]), "password": str(kept["password"]), "port": int(kept["port"])}
    except (ValueError, KeyError, TypeError):
        raise BrokerError(
            f"{path} is not a hanbench credentials file (JSON with user, password, port); "
            "remove it and the bench writes a new one"
        ) from None


def _create(path: Path, host: str) -> dict[str, Any]:
    username, password = generate_credentials()
    kept = {"user": username, "password": password, "port": free_port(host)}
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # 0600 from the first byte
    with os.fdopen(descriptor, "w") as handle:
        json.dump(kept, handle)
    return kept


def lan_listener(
    host: str, credentials: Path | None = None, tls: bool = False, tls_dir: Path | None = None
) -> LanListener:
    """A listener on host: its login kept in the credentials file (made on first use), else new for this run."""
    try:
        if credentials is None:
            username, password = generate_credentials()
            kept: dict[str, Any] = {"user": username, "password": password, "port": free_port(host)}
        else:
            credentials = Path(credentials)
            kept = _read(credentials) if credentials.exists() else _create(credentials, host)
    except OSError as error:
        raise BrokerError(
            f"cannot listen on {host} or keep its login in {credentials}: {error.strerror}; "
            "give --lan-host one of this machine's addresses and a writable --lan-credentials"
        ) from None
    folder = tls_dir or (credentials.with_name(credentials.stem + "-tls") if credentials else None)
    if tls and folder is None:
        raise BrokerError("a TLS listener keeps its CA beside its login: give --lan-credentials too")
    files = make_tls(folder, host) if tls and folder is not None else None
    return LanListener(host, kept["port"], kept["user"], kept["password"], files)
