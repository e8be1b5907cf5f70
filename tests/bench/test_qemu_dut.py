"""The qemu DUT's bad input and its secrets: one clear line without the emulator, no password on a command line."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.broker import BrokerEndpoint
from bench.dut import QemuDut, Wiring
from bench.dut.qemu import settings_text
from bench.errors import DutError
from bench.run_cli import run

SECRET_WIRING = Wiring("/dev/pts/99", "8E1", BrokerEndpoint("127.0.0.1", 1883, "station", "s3cret-pw"), "t")


def test_a_missing_emulator_is_one_line_naming_the_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    dut = QemuDut(tmp_path, image=tmp_path / "absent.elf")
    with pytest.raises(
        DutError, match=r"^qemu-system-xtensa is not installed; install qemu-system-misc, gcc-xtensa-lx106"
    ):
        dut.build()


def test_hanbench_run_without_the_emulator_exits_2_with_that_line_and_no_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    monkeypatch.setattr("bench.dut.qemu.IMAGE", Path(tmp_path / "absent.elf"))
    result = CliRunner().invoke(run, ["--dut", "qemu", "--meter", "kaifa-ma304h3e", "--report-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "qemu-system-xtensa is not installed" in result.output
    assert "Traceback" not in result.output


def test_the_password_goes_to_a_private_settings_file_not_the_command_line(tmp_path):
    image = tmp_path / "hanreader-lx106.elf"
    image.write_bytes(b"")  # built already, as far as build() can tell; the emulator refuses it at once
    dut = QemuDut(tmp_path, image=image)
    dut.build()
    dut.start(SECRET_WIRING)
    try:
        settings = dut.settings_path
        assert "mqtt_password=s3cret-pw\n" in settings.read_text()
        assert settings.parent.stat().st_mode & 0o077 == 0
        command_line = dut.log_path.read_text().splitlines()[0]
        assert str(settings) in command_line and "s3cret-pw" not in command_line
    finally:
        dut.stop()
    assert not settings.exists()


def test_a_value_with_a_line_break_is_refused_before_it_reaches_the_settings_file():
    wiring = Wiring("/dev/pts/99", "8E1", BrokerEndpoint("127.0.0.1", 1883, "station", "s3cret\ncommand_topic=x"), "t")
    with pytest.raises(
        DutError, match=r"^the qemu board's mqtt_password must be one line: it holds a line break"
    ) as error:
        settings_text(wiring)
    assert "s3cret" not in str(error.value)
