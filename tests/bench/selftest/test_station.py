"""The station end to end: the host build passes; broken readers fail in the right phase and measurement."""

import tomllib

import pytest

from bench.selftest.record_store import RecordStore, default_url, first_failure
from tests.bench.selftest.fake_board import LATE_BOOT_S
from tests.bench.selftest.station_run import (
    BOOT_LIMIT_S,
    BOOT_TIMEOUT_S,
    REPO,
    fake_board_cmd,
    only_record,
    run_station,
)

LIMITS = tomllib.loads((REPO / "bench" / "selftest" / "limits.toml").read_text())["measurements"]


def test_host_build_passes_with_every_measurement_in_its_limits(tmp_path, quick_limits):
    done = run_station(tmp_path / "records", quick_limits, "--dut", "host", "--serial-number", "hb-0001")
    assert done.returncode == 0, done.stdout + done.stderr
    record = only_record(tmp_path / "records")
    assert (record["outcome"], record["serial_number"], record["firmware_version"]) == ("PASS", "HB-0001", "0.1.0")
    assert record["board_id"].startswith("host-")
    assert record["station"] == {**record["station"], "id": "ci-station", "operator": "pytest", "dut": "host"}
    measured = {m["name"]: m for phase in record["phases"] for m in phase["measurements"]}
    assert set(measured) == set(LIMITS)
    phases = {phase["name"]: phase["outcome"] for phase in record["phases"]}
    # No esptool on a host build: not applicable, never passed.
    assert phases["flash"] == phases["read_chip"] == "SKIP"
    assert measured["flash_s"]["outcome"] == "SKIPPED" and measured["flash_s"]["value"] is None
    assert measured["board_temperature"] == {**measured["board_temperature"], "value": 23.5, "units": "°C"}
    assert measured["boot_banner_s"]["units"] == "s" and str(BOOT_LIMIT_S) in measured["boot_banner_s"]["limits"]
    assert all(m["outcome"] in ("PASS", "SKIPPED") for m in measured.values())
    # The board leaves with no command topic and no command secret: nothing on the broker can command it.
    assert measured["command_access_left"]["value"] == 0
    (console_log,) = (tmp_path / "records").rglob("dut-host.log")
    lines = console_log.read_text().splitlines()
    sealed = lines[len(lines) - lines[::-1].index(">>> config set command_topic") :]
    assert {"ok command_topic=", "command_topic=", "command_secret="} <= set(sealed), console_log
    assert "PASS" in done.stdout


@pytest.mark.parametrize(
    "mode, phase, measurement, note",
    [
        ("scale", "han_kaifa", "han_kaifa_wrong_values", "current_l1 sent 4.127, published 41.27"),
        ("no-mqtt", "mqtt_hello", "mqtt_hello_s", None),
        ("no-temp", "temperature", "board_temperature", None),
        ("late-boot", "boot", "boot_banner_s", None),
    ],
)
def test_broken_reader_fails_in_the_right_phase_and_measurement(tmp_path, quick_limits, mode, phase, measurement, note):
    done = run_station(tmp_path / "records", quick_limits, "--dut-cmd", fake_board_cmd(mode), "--serial-number", "FB-1")
    assert done.returncode == 1, done.stdout + done.stderr
    record = only_record(tmp_path / "records")
    assert record["outcome"] == "FAIL"
    first = record["failures"][0]
    assert (first["phase"], first["measurement"]) == (phase, measurement)
    if note:
        assert any(note in line for line in record["notes"]), record["notes"]
    (kept,) = RecordStore(default_url(tmp_path / "records"), tmp_path / "records").connect().records()
    assert first_failure(kept) == f"{phase}: {measurement}"


def test_fake_board_in_good_health_passes(tmp_path, quick_limits):
    """The fakes' own control: the same fake, nothing broken, passes (so the failures above are the breakage)."""
    done = run_station(
        tmp_path / "records", quick_limits, "--dut-cmd", fake_board_cmd("good"), "--serial-number", "FB-0"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert only_record(tmp_path / "records")["outcome"] == "PASS"


def test_late_boot_is_measured_not_guessed(tmp_path, quick_limits):
    run_station(tmp_path / "records", quick_limits, "--dut-cmd", fake_board_cmd("late-boot"))
    record = only_record(tmp_path / "records")
    boot = next(p for p in record["phases"] if p["name"] == "boot")
    banner = next(m for m in boot["measurements"] if m["name"] == "boot_banner_s")
    assert LATE_BOOT_S <= banner["value"] <= BOOT_TIMEOUT_S and banner["outcome"] == "FAIL"
    assert record["serial_number"] is None and record["unit"].endswith("-unscanned")


def test_provisioning_leaves_no_password_in_the_console_log(tmp_path, quick_limits):
    done = run_station(
        tmp_path / "records",
        quick_limits,
        "--dut",
        "host",
        "--serial-number",
        "hb-0002",
        "--wifi-password",
        "station-wifi-secret",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (console_log,) = (tmp_path / "records").rglob("dut-host.log")
    assert ">>> config set wifi_password ********" in console_log.read_text().splitlines()
    leaked = [
        path
        for path in (tmp_path / "records").rglob("*")
        if path.is_file() and b"station-wifi-secret" in path.read_bytes()
    ]
    assert not leaked, leaked
