"""The broker password never rides on hanreader's command line, where any user of the machine can read it.

hanreader refuses `--password` and takes the password from its settings file or
from HANREADER_MQTT_PASSWORD; the bench's host DUT hands it over that way.
"""

import getpass
import subprocess

import pytest

from bench.broker import BrokerEndpoint
from bench.broker.servers import mosquitto_password_line
from bench.dut import HostDut, Wiring
from bench.dut.command import HOST_PASSWORD_ENV as PASSWORD_ENV
from tests.firmware.harness import MOSQUITTO, MeterLine, Reader, free_port, wait_for_port

USER, PASSWORD = "reader", "s3cret-broker-word"


@pytest.fixture
def locked_broker(tmp_path):
    """A mosquitto that lets in only USER with PASSWORD."""
    port = free_port()
    passwords = tmp_path / "mosquitto.passwd"
    passwords.touch(mode=0o600)
    passwords.write_text(mosquitto_password_line(USER, PASSWORD))
    config = tmp_path / "mosquitto.conf"
    # Run as this user (as the bench's broker is), so a mosquitto started as root can read the password file.
    config.write_text(
        f"user {getpass.getuser()}\nlistener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\n"
    )
    with open(tmp_path / "mosquitto.log", "w") as log:
        process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, 10, "mosquitto")
    yield port
    process.terminate()
    process.wait(timeout=10)


def _reader_args(line: MeterLine, port: int) -> list[str]:
    return ["--tty", line.path, "--mqtt-host", "127.0.0.1", "--mqtt-port", str(port), "--user", USER]


def test_a_password_flag_is_refused_in_one_line_naming_the_ways_that_work(firmware_build):
    done = subprocess.run(
        [str(firmware_build / "hanreader"), "--tty", "/dev/null", "--mqtt-host", "h", "--password", PASSWORD],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "--password is not taken" in done.stderr and "--config" in done.stderr and PASSWORD_ENV in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


def test_a_password_from_the_environment_is_validated_like_a_flag(firmware_build):
    done = subprocess.run(
        [str(firmware_build / "hanreader"), "--tty", "/dev/null", "--mqtt-host", "h"],
        capture_output=True,
        text=True,
        timeout=10,
        env={PASSWORD_ENV: "ends in a space "},
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"hanreader: {PASSWORD_ENV}: mqtt_password must not begin or end with a space "
        "(the value is taken as it is written)\n"
    )


@pytest.mark.parametrize(("password", "connects"), [(PASSWORD, True), ("not-the-password", False)])
def test_the_password_from_the_environment_logs_in(firmware_build, locked_broker, tmp_path, password, connects):
    line = MeterLine()
    reader = Reader(
        firmware_build / "hanreader",
        _reader_args(line, locked_broker),
        tmp_path / "hanreader.log",
        extra_env={PASSWORD_ENV: password},
    ).start(wait_for=None)
    try:
        if connects:
            reader.wait_log("mqtt connected", 10)
        else:
            reader.wait_log("broker refused the connection", 10)
            assert "mqtt connected" not in reader.log_text()
        assert password not in reader.log_text()
    finally:
        assert reader.stop() == 0
        line.close()


def test_the_host_dut_passes_the_password_in_its_environment_not_its_argv(firmware_build, locked_broker, tmp_path):
    line = MeterLine()
    dut = HostDut(tmp_path / "run", binary=firmware_build / "hanreader")
    wiring = Wiring(line.path, "8E1", BrokerEndpoint("127.0.0.1", locked_broker, USER, PASSWORD), "hanbench/pw")
    assert PASSWORD not in dut.argv(wiring)
    dut.build()
    dut.start(wiring)
    try:
        dut.wait_connected(timeout=10)
    finally:
        dut.stop()
        line.close()
