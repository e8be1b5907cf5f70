"""Bad command lines and config files: one line naming the thing and the fix, exit 2."""

import subprocess

import pytest

from tests.firmware.harness import run_until_started


def run(build, *args, timeout=10):
    return subprocess.run([str(build / "hanreader"), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mqtt-host", "127.0.0.1"], "--tty is required"),
        (["--tty", "/dev/null"], "mqtt_host is not set"),
        (
            ["--tty", "/dev/null", "--mqtt-host", "h", "--mqtt-port", "70000"],
            '--mqtt-port: mqtt_port must be a whole number from 1 to 65535, not "70000"',
        ),
        (
            ["--tty", "/dev/null", "--mqtt-host", "h", "--serial", "7E2"],
            '--serial: serial must be one of auto, 8E1, 8N1, not "7E2"',
        ),
        (
            ["--tty", "/dev/null", "--mqtt-host", "h", "--format", "xml"],
            '--format: format must be one of classic, per-value, homeassistant, raw, not "xml"',
        ),
        (
            ["--tty", "/dev/null", "--mqtt-host", "h", "--temperature", "200"],
            'temperature must be empty (no sensor) or a number from -55 to 125, not "200"',
        ),
        (["--tty", "/dev/null", "--mqtt-host", "h", "--bogus", "1"], 'unknown option "--bogus"'),
        (["--tty", "/dev/null", "--mqtt-host"], "--mqtt-host needs a value"),
    ],
)
def test_bad_flag_is_one_line_and_exit_2(firmware_build, args, message):
    done = run(firmware_build, *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_tty_that_is_not_a_tty_is_refused(firmware_build):
    done = run(firmware_build, "--tty", "/dev/null", "--mqtt-host", "127.0.0.1")
    assert done.returncode == 1
    assert done.stderr == "hanreader: /dev/null is not a tty; give the serial device or pty path\n"


def test_missing_tty_names_the_path(firmware_build):
    done = run(firmware_build, "--tty", "/dev/does-not-exist", "--mqtt-host", "127.0.0.1")
    assert done.returncode == 1
    assert "cannot open tty /dev/does-not-exist: No such file or directory" in done.stderr


def test_bad_config_file_line_is_named(firmware_build, tmp_path):
    config = tmp_path / "reader.conf"
    config.write_text("mqtt_host=127.0.0.1\n# comment\nmqtt_port=0\n")
    done = run(firmware_build, "--config", str(config), "--tty", "/dev/null")
    assert done.returncode == 2
    assert f"config file {config}, line 3: mqtt_port must be a whole number from 1 to 65535" in done.stderr


def test_version_flag(firmware_build):
    done = run(firmware_build, "--version")
    assert done.returncode == 0 and done.stdout == "hanreader 0.1.0\n"


def test_a_reader_restarted_on_the_same_pty_opens_it_again(firmware_build, tmp_path):
    """Linux drops PARENB on a pty and then refuses the same request (EINVAL): the second reader must still start."""
    import os
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    argv = [
        str(firmware_build / "hanreader"),
        "--tty",
        os.ttyname(slave),
        "--serial",
        "8E1",
        "--mqtt-host",
        "127.0.0.1",
        "--mqtt-port",
        "1",
        "--topic",
        "t",
    ]
    try:
        for attempt in range(2):
            done, _ = run_until_started(argv, tmp_path / f"reader-{attempt + 1}.log")
            assert done.returncode is None, f"run {attempt + 1} exited {done.returncode}: {done.stdout}"
            assert "tcsetattr failed" not in done.stdout and " started" in done.stdout, (
                f"run {attempt + 1}: {done.stdout}"
            )
    finally:
        os.close(master)
        os.close(slave)
