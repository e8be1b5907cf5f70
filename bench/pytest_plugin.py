"""pytest fixtures for a reader project's own HIL tests: broker, meter, dut, bench.

    def test_aidon(bench):
        bench.run(meter="aidon-6534", duration="10min", warp=60).assert_passed()

Each fixture is a few lines over the factories the command line uses; each
run's verdict and report path are attached to the test's output.
"""

import shlex

import pytest

from .broker import start_broker
from .dut import make_dut
from .meter import MeterRun
from .observer.adapters import adapter_names
from .run import Bench, LoopOptions


def pytest_addoption(parser: pytest.Parser) -> None:
    """The hanbench options: which DUT, which broker, which output format."""
    group = parser.getgroup("hanbench", "hanbench hardware-in-the-loop bench")
    group.addoption("--hanbench-dut", default="host", choices=["host", "qemu", "cmd", "rig"], help="DUT kind")
    group.addoption("--hanbench-dut-cmd", help="reader command with {tty} {serial} {mqtt_host} {mqtt_port} {topic}")
    group.addoption("--hanbench-port", help="rig: HAN port")
    group.addoption("--hanbench-console", help="rig: console port")
    group.addoption("--hanbench-broker", default="auto", help="auto, embedded, mosquitto or HOST:PORT")
    group.addoption("--hanbench-meter-cmd", help="another simulator command")
    group.addoption(
        "--hanbench-format", default="classic", choices=adapter_names(), help="the output format the reader publishes"
    )


def _option(request: pytest.FixtureRequest, name: str):
    return request.config.getoption(f"hanbench_{name}")


@pytest.fixture
def broker(request, tmp_path):
    """A started broker for this test, stopped after it."""
    started = start_broker(_option(request, "broker"), tmp_path / "broker")
    yield started
    started.stop()


@pytest.fixture
def meter():
    """The meter-run factory: meter("aidon-6534", duration="1min", warp="60")."""
    return MeterRun


@pytest.fixture
def dut(request, tmp_path):
    """The DUT chosen with --hanbench-dut, stopped after the test."""
    chosen = make_dut(
        _option(request, "dut"),
        tmp_path,
        _option(request, "dut_cmd"),
        _option(request, "port"),
        _option(request, "console"),
    )
    yield chosen
    chosen.stop()


@pytest.fixture
def bench(request, dut, tmp_path):
    """A Bench over the DUT; every run's verdict and report are attached to the test's output."""
    command = _option(request, "meter_cmd")
    options = LoopOptions(
        broker=_option(request, "broker"),
        output_format=_option(request, "format"),
        meter_command=tuple(shlex.split(command)) if command else None,
    )
    runs = Bench(dut, tmp_path / "hanbench", options)
    runs.on_result.append(
        lambda result: request.node.add_report_section("call", f"hanbench {result.run.meter}", result.explain())
    )
    return runs
