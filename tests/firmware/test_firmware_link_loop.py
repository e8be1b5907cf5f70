"""hanbench run with the host build on the meters beyond Norway: it passes on each, and under
the wrong-key and counter-repeat plans it refuses what those plans say a reader must refuse.
The keys reach the simulator and the host build from HANBENCH_KEYS_FILE, never argv."""

import pytest

from bench import Bench, LoopOptions, make_dut
from tests.bench.test_loop_link import keys  # noqa: F401  (the fixture: a keys file named by HANBENCH_KEYS_FILE)
from tests.firmware.test_firmware_link import NEW_METERS
from tests.simulator.codec.link_support import KEYS


def run_host(folder, meter: str, faults: str | None = None):
    bench = Bench(make_dut("host", folder), folder, LoopOptions(broker="embedded"))
    return bench.run(meter, duration="2min", warp=20, start="2026-03-02T08:59:30", faults=faults)


def assert_no_key_in(run_dir) -> None:
    for path in run_dir.rglob("*"):
        if path.is_file():
            text = path.read_bytes().hex() + path.read_text(errors="replace").lower()
            assert KEYS.encryption.hex() not in text and KEYS.authentication.hex() not in text, path


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize("meter", NEW_METERS)
def test_the_host_build_passes_each_new_meter(firmware_build, tmp_path, meter):
    result = run_host(tmp_path / "run", meter)
    result.assert_passed()
    assert result.verdict.expected >= 10
    assert_no_key_in(result.run_dir)


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize("plan", ["wrong-key", "counter-repeat"])
def test_the_host_build_refuses_what_the_security_plans_say_it_must(firmware_build, tmp_path, plan):
    result = run_host(tmp_path / "run", "kamstrup-omnipower-dk", plan)
    result.assert_passed()
    log = (result.run_dir / "dut-host.log").read_text()
    refusal = {"wrong-key": "the authentication tag does not verify", "counter-repeat": "frame counter not above"}[plan]
    assert refusal in log
