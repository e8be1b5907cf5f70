"""The lx106 image in qemu-system-xtensa, judged by the bench and the station exactly as the host build is.

These are the runs `nox -s bench` makes on qemu (the "qemu" set of
bench/data/runsets.toml), so CI, which runs `nox -s tests`, runs them too; the
command line of the issue, `hanbench run --dut qemu`, for a profile the set leaves out;
and the manufacturing self-test on the emulated board.
"""

import re
import subprocess
import sys

import pytest

from bench import Bench, LoopOptions
from bench.dut import QemuDut
from bench.dut.qemu import QEMU
from bench.run.runsets import load_set
from tests.bench.selftest.station_run import REPO, only_record, run_station

QEMU_RUNS = {named.name: named.options for named in load_set("qemu")}


def assert_ran_on_the_emulator(log: str) -> None:
    """The DUT's log shows the emulator running the lx106 image, and the image reaching the broker."""
    assert log.startswith(f"$ {QEMU} -M sim -cpu lx106 "), log[:200]
    assert "hanreader-lx106.elf" in log.splitlines()[0]
    assert re.search(r"^hanreader [0-9.]+ mqtt connected$", log, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(QEMU_RUNS))
def test_each_qemu_run_of_nox_bench_passes(name, lx106_build, tmp_path):
    dut = QemuDut(tmp_path, image=lx106_build / "hanreader-lx106.elf")
    result = Bench(dut, tmp_path, LoopOptions(broker="embedded")).run(name=name, **QEMU_RUNS[name])
    result.assert_passed()
    assert_ran_on_the_emulator(result.dut_log.read_text())
    high_water = dut.stack_high_water()
    assert high_water is not None and 0 < high_water < 4096
    if "restart_reader_at" in QEMU_RUNS[name]:
        assert [e.reason for e in result.excuses] == ["the reader restarted"]
        assert result.dut_log.read_text().count(" hanreader 0.1.0 started, id ") == 2


def test_hanbench_run_dut_qemu_passes_from_the_command_line(lx106_build, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "run",
            "--dut",
            "qemu",
            "--meter",
            "kaifa-ma304h3e",
            "--duration",
            "2min",
            "--warp",
            "20",
            "--broker",
            "embedded",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS: 1 of 1 runs passed" in done.stdout
    assert_ran_on_the_emulator((tmp_path / "kaifa-ma304h3e" / "dut-qemu.log").read_text())


def test_the_station_passes_the_emulated_board_with_every_measurement_in_its_limits(lx106_build, tmp_path):
    limits = REPO / "bench" / "selftest" / "limits.toml"
    done = run_station(tmp_path / "records", limits, "--dut", "qemu", "--serial-number", "QEMU-0001", timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    record = only_record(tmp_path / "records")
    assert (record["outcome"], record["board_id"], record["firmware_version"]) == ("PASS", "02:00:00:00:01:06", "0.1.0")
    assert record["station"]["dut"] == "qemu"
    measured = {m["name"]: m for phase in record["phases"] for m in phase["measurements"]}
    assert all(m["outcome"] in ("PASS", "SKIPPED") for m in measured.values())
    assert measured["board_temperature"]["value"] == 23.5  # the settings file's stand-in for the DS18B20
