"""Fixtures of the station's tests: a limits file with short waits."""

import tomllib
from pathlib import Path

import pytest

from tests.selftest.station_run import REPO


@pytest.fixture
def quick_limits(tmp_path) -> Path:
    """The station's limits with shorter waits, so a board that never answers fails in seconds."""
    text = (REPO / "bench" / "selftest" / "limits.toml").read_text()
    station = tomllib.loads(text)["station"]
    for key, seconds in (("hello_timeout_s", 4.0), ("boot_timeout_s", 6.0), ("publish_timeout_s", 2.0)):
        text = text.replace(f"{key} = {station[key]}", f"{key} = {seconds}")
    path = tmp_path / "limits.toml"
    path.write_text(text)
    return path
