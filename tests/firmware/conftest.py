"""Fixtures for the firmware tests: thin wrappers over tests/firmware/harness.py and firmware/tools."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware.tools import lx106
from tests.firmware import harness


@pytest.fixture(scope="session")
def firmware_build() -> Path:
    """The host build (Release), built once per session."""
    return harness.build_firmware("release")


@pytest.fixture(scope="session")
def asan_build() -> Path:
    """The AddressSanitizer + UBSan build, built once per session."""
    return harness.build_firmware("asan")


@pytest.fixture(scope="session")
def lx106_build() -> Path:
    """The emulated lx106 board's images (reader, replay), built once per session with the xtensa toolchain."""
    return lx106.build_images()


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> Iterator[harness.Broker]:
    """A mosquitto on an ephemeral loopback port for the whole session."""
    running = harness.Broker(tmp_path_factory.mktemp("broker")).start()
    yield running
    running.stop()


@pytest.fixture
def rig(firmware_build, broker, tmp_path):
    """A release hanreader on a pty, publishing to the session broker; fails on a non-zero exit."""
    running = harness.start_rig(firmware_build, broker, tmp_path)
    yield running
    assert running.close() == 0, f"hanreader exited non-zero; see {running.reader.log_path}"


@pytest.fixture(params=["release", "asan"])
def any_rig(request, broker, tmp_path):
    """The same rig on the release build and on the sanitizer build."""
    build = request.getfixturevalue("firmware_build" if request.param == "release" else "asan_build")
    running = harness.start_rig(build, broker, tmp_path)
    yield running
    code = running.close()
    assert code == 0, f"hanreader ({request.param}) exited {code}; see {running.reader.log_path}"
