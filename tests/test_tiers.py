"""The test tiers: where tests/tiers.toml puts tests, and what a missing tool does to them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import tiers

REPO = Path(__file__).resolve().parent.parent
FIRMWARE_TEST = "tests/firmware/test_firmware_options.py::test_version_flag"


def test_every_rule_names_test_files_that_exist():
    # A moved or renamed test file would otherwise drop out of its tier without a word.
    for rule in tiers.load().rules:
        files = rule.tests.split("::")[0]
        assert list(REPO.glob(files)), f"tests/tiers.toml: no file matches {files!r} (rule {rule.tests!r})"


@pytest.mark.parametrize(
    "nodeid, fixtures, markers, needs",
    [
        ("tests/simulator/codec/test_hdlc.py::test_x", ["tmp_path"], ["unit"], []),
        ("tests/hardware/test_line_cocotb.py::test_x", [], ["hdl"], ["iverilog"]),
        ("tests/hardware/test_units.py::test_x", [], ["hdl"], []),
        (
            "tests/firmware/test_firmware_console.py::test_x",
            ["rig", "firmware_build", "broker"],
            ["firmware"],
            ["mosquitto", "cmake"],
        ),
        ("tests/firmware/test_firmware_stack.py::test_x", ["tmp_path"], ["unit"], []),
        ("tests/firmware/test_firmware_stack.py::test_x", ["depths"], ["xtensa"], ["xtensa", "cmake"]),
        (
            "tests/firmware/test_firmware_portal.py::test_x",
            ["portal", "firmware_build", "broker"],
            ["firmware", "browser"],
            ["mosquitto", "cmake", "chromium"],
        ),
        ("tests/simulator/test_sim_48h.py::test_x[kaifa-ma304h3e]", [], ["slow"], []),
        ("tests/bench/test_broker.py::test_x[mosquitto]", [], ["unit"], ["mosquitto"]),
    ],
)
def test_a_test_gets_the_markers_and_tools_of_every_rule_it_matches(nodeid, fixtures, markers, needs):
    got_markers, got_needs = tiers.load().markers_and_needs(nodeid, fixtures)
    assert (got_markers, [tool.name for tool in got_needs]) == (markers, needs)


@pytest.mark.parametrize(
    "rule, message",
    [
        ('needs = ["verilator"]', r"tests/x/\* needs tool 'verilator', which is not among \[tools\.\*\]: cmake"),
        ('markers = ["fpga"]', r"rule 'tests/x/\*' gives marker 'fpga', which is not in \[tiers\]: hdl"),
    ],
)
def test_a_rule_naming_an_unknown_tool_or_marker_is_refused_by_name(tmp_path, rule, message):
    path = tmp_path / "tiers.toml"
    path.write_text(
        '[tools.cmake]\ncommands = ["cmake"]\ninstall = "apt-get install -y cmake"\n'
        f'[tiers]\nhdl = []\n[[rule]]\ntests = "tests/x/*"\n{rule}\n'
    )
    with pytest.raises(tiers.TiersError, match=message):
        tiers.load(path)


def run_without_tools(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """pytest on one firmware test with a PATH that holds no compiler, before anything is built."""
    empty = tmp_path / "bin"
    empty.mkdir()
    environment = {key: value for key, value in os.environ.items() if key != tiers.STRICT_ENV}
    environment.update(PATH=str(empty), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", FIRMWARE_TEST, "-p", "no:cacheprovider", "-rsf", "-q"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_tool_skips_the_test_with_the_line_that_installs_it(tmp_path):
    done = run_without_tools(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "cmake, g++, make not found: apt-get install -y cmake g++ make" in done.stdout


def test_in_strict_mode_a_missing_tool_fails_the_test(tmp_path):
    done = run_without_tools(tmp_path, HANBENCH_STRICT="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout  # a failure in set-up, before any fixture ran
    assert "HANBENCH_STRICT=1 and cmake, g++, make not found: apt-get install -y cmake g++ make" in done.stdout
