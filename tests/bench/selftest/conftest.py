"""Fixtures of the station's tests: a limits file with short waits, record databases (SQLite, a real PostgreSQL)."""

import re
import tomllib
from pathlib import Path

import pytest

from bench.selftest.record_store import default_url
from tests.bench.selftest.postgres import PostgresServer
from tests.bench.selftest.station_run import BOOT_LIMIT_S, BOOT_TIMEOUT_S, LATENCY_MARGIN_S, REPO


@pytest.fixture
def quick_limits(tmp_path) -> Path:
    """The station's limits with margins for fake boards on busy cores, and each wait no shorter than the limit it
    serves: a shorter one fails a board its limit passes (a 2 s publish wait counted a list published later as
    missing, though the latency limit here is 10 s)."""
    text = (REPO / "bench" / "selftest" / "limits.toml").read_text()
    limits = tomllib.loads(text)
    waits = {
        "hello_timeout_s": limits["measurements"]["mqtt_hello_s"]["max"],
        "boot_timeout_s": BOOT_TIMEOUT_S,
        "publish_timeout_s": LATENCY_MARGIN_S,
    }
    for key, seconds in waits.items():
        text = text.replace(f"{key} = {limits['station'][key]}", f"{key} = {seconds}")
    # The fake boards publish at once; what a frame waits for under two pytest workers on two busy cores is the
    # machine's, so the latency limits (1 s for a real board on a quiet station) get a margin that holds there.
    text = re.sub(
        r"(\[measurements\.han_\w+_latency_s\][^\[]*?)max = [\d.]+\nmarginal_max = [\d.]+",
        rf"\1max = {LATENCY_MARGIN_S}\nmarginal_max = {LATENCY_MARGIN_S / 2}",
        text,
    )
    text = re.sub(
        r"(\[measurements\.boot_banner_s\][^\[]*?)max = [\d.]+\nmarginal_max = [\d.]+",
        rf"\1max = {BOOT_LIMIT_S}\nmarginal_max = {BOOT_LIMIT_S / 2}",
        text,
    )
    path = tmp_path / "limits.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the whole session (one per pytest worker)."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def record_url(request, tmp_path, monkeypatch) -> str:
    """The URL of an empty record database: an SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return default_url(tmp_path / "db")
    server = request.getfixturevalue("postgres")
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    return server.fresh_database()
