"""A real PostgreSQL server for the station's tests: Debian's binaries, a throw-away cluster, a password in .pgpass.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then
belongs to the `postgres` user the Debian package creates, in a folder that
user owns, and every server command runs through runuser. The password is
written to a 0600 password file that libpq reads (PGPASSFILE), never to argv.
"""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

__all__ = ["PostgresServer"]

START_TIMEOUT_S = 60
USER = "station"


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is missing: apt-get install postgresql (the record tests need a real server)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """initdb, pg_ctl start on a loopback port, a database; stop() removes it all."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="hanbench-pg-"))
        self.port = _free_port()
        self.password = secrets.token_urlsafe(16)
        self.passfile = self.root / "pgpass"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._databases = 0

    def _run(self, *argv, **options) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._as, *argv], check=True, capture_output=True, text=True, timeout=START_TIMEOUT_S, **options
        )

    def start(self) -> "PostgresServer":
        """A running server with USER (password authentication) owning DATABASE."""
        data, pwfile = self.root / "data", self.root / "initpw"
        pwfile.write_text(self.password + "\n")
        self.passfile.write_text(f"127.0.0.1:{self.port}:*:{USER}:{self.password}\n")
        self.passfile.chmod(0o600)
        if self._as:
            shutil.chown(self.root, "postgres")
            shutil.chown(pwfile, "postgres")
        self._run(_binary("initdb"), "-D", data, "-U", USER, "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8")
        pwfile.unlink()
        self.start_server()
        return self

    def start_server(self) -> None:
        """Start the server on the cluster (again, after stop_server)."""
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root}"
        self._run(
            _binary("pg_ctl"), "-D", self.root / "data", "-l", self.root / "server.log", "-o", options, "-w", "start"
        )

    def stop_server(self) -> None:
        """Stop the server, keep the cluster: the database is down."""
        self._run(_binary("pg_ctl"), "-D", self.root / "data", "-m", "fast", "-w", "stop")

    def fresh_database(self) -> str:
        """The URL of a new, empty database (a test's own), with no password in it."""
        import psycopg

        self._databases += 1
        name = f"records_{self._databases}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres passfile={self.passfile}", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def environment(self) -> dict[str, str]:
        """What a station process needs to find the password: the password file, no secret itself."""
        return {"PGPASSFILE": str(self.passfile)}

    def stop(self) -> None:
        """Stop the server if it runs, and remove the cluster."""
        try:
            if (self.root / "data" / "postmaster.pid").exists():
                self.stop_server()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
