"""The lx106 image in qemu-system-xtensa, judged by the bench exactly as the host build is.

These are the runs `nox -s bench` makes on qemu (the "qemu" set of
bench/data/scenarios.toml), so CI, which runs `nox -s tests`, runs them too; and the
command line of the issue, `hanbench run --dut qemu`, for a profile the set leaves out.
"""

import subprocess
import sys

import pytest

from bench import Bench, LoopOptions
from bench.dut import QemuDut
from bench.dut.qemu import QEMU
from bench.run.scenarios import load_set

QEMU_RUNS = {named.name: named.options for named in load_set("qemu")}


def assert_ran_on_the_emulator(log: str) -> None:
    """The DUT's log shows the emulator running the lx106 image, and the image reaching the broker."""
    assert log.startswith(f"$ {QEMU} -M sim -cpu lx106 "), log[:200]
    assert "hanreader-lx106.elf" in log.splitlines()[0]
    assert "hanreader mqtt connected" in log


@pytest.mark.parametrize("name", sorted(QEMU_RUNS))
def test_each_qemu_run_of_nox_bench_passes(name, lx106_build, tmp_path):
    dut = QemuDut(tmp_path, image=lx106_build / "hanreader-lx106.elf")
    result = Bench(dut, tmp_path, LoopOptions(broker="embedded")).run(name=name, **QEMU_RUNS[name])
    result.assert_passed()
    assert_ran_on_the_emulator(result.dut_log.read_text())
    assert 0 < dut.stack_high_water() < 4096
    if "restart_reader_at" in QEMU_RUNS[name]:
        assert [e.reason for e in result.excuses] == ["the reader restarted"]
        assert result.dut_log.read_text().count("hanreader hanreader 0.1.0 started") == 2


def test_hanbench_run_dut_qemu_passes_from_the_command_line(lx106_build, tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "run", "--dut", "qemu", "--meter", "kaifa-ma304h3e",
                           "--duration", "2min", "--warp", "20", "--broker", "embedded", "--report-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS: 1 of 1 runs passed" in done.stdout
    assert_ran_on_the_emulator((tmp_path / "kaifa-ma304h3e" / "dut-qemu.log").read_text())
