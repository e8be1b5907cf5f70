"""Commands over MQTT change a reader only when signed with its command secret, and only once."""

import os
import subprocess
import sys
import uuid

import pytest

from bench.command import sign_command
from tests.firmware.harness import REPO, start_rig
from tests.firmware.test_firmware_replies import Console


@pytest.fixture
def signed(firmware_build, broker, tmp_path):
    """A reader with a command topic and a command secret set on its console, and an MQTT console to it."""
    commands = f"hanbench/{uuid.uuid4().hex[:8]}/cmd"
    secret = uuid.uuid4().hex
    config = tmp_path / "reader.conf"
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands, "--config", str(config))
    assert rig.reader.command(f"config set command_secret {secret}") == ["ok command_secret=********"]
    console = Console(broker.port, commands, secret)
    yield rig, console, config
    console.replies.stop()
    assert rig.close() == 0


def test_a_signed_command_runs_once(signed):
    rig, console, config = signed
    assert console.ask_signed("config set mqtt_qos 1") == ["ok mqtt_qos=1"]
    assert "mqtt_qos=1\n" in config.read_text() and "command_counter=1\n" in config.read_text()
    replayed = sign_command(console.secret, console.topic, console.counter, "config set mqtt_qos 0")
    assert console.ask(replayed) == ["error: signed command refused: counter 1 already used; the next must be above 1"]
    assert console.ask("config get mqtt_qos") == ["mqtt_qos=1"]
    assert "signed command over mqtt: config set mqtt_qos 1" in rig.reader.log_text()
    assert console.secret not in rig.reader.log_text()


def test_a_command_signed_with_another_secret_or_topic_is_refused(signed):
    _, console, _ = signed
    refused = [
        ("error: signed command refused: the signature does not match this board's command secret and command topic")
    ]
    assert console.ask(sign_command("x" * 32, console.topic, 5, "reboot")) == refused
    assert console.ask(sign_command(console.secret, console.topic + "/other", 5, "reboot")) == refused
    assert console.ask("signed 5 zz reboot") == [
        (
            'error: signed command refused: a signed command is "signed COUNTER HMAC COMMAND" (HMAC in 64 lower-case hex'
            " digits)"
        )
    ]


def test_the_command_secret_is_never_set_over_mqtt(signed):
    _, console, _ = signed
    assert console.ask_signed("config set command_secret " + "n" * 20) == [
        "error: command_secret is set only on the serial console or in the portal"
    ]
    assert console.ask_signed("config set command_counter 1") == [
        "error: command_counter is kept by the reader itself and cannot be set"
    ]


def test_a_board_without_a_secret_refuses_every_signed_command(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex[:8]}/cmd"
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands)
    console = Console(broker.port, commands, "s" * 16)
    try:
        assert console.ask_signed("reboot") == [
            (
                "error: signed command refused: this board has no command secret, so it runs no changing command over"
                " MQTT; set command_secret on the serial console or in the portal"
            )
        ]
        assert console.ask("reboot")[0].startswith("error: reboot over MQTT needs a signed command")
        assert rig.reader.log_text().count(" started, id ") == 1
    finally:
        console.replies.stop()
        assert rig.close() == 0


def test_topics_refuse_wildcards_and_an_unchanged_setting_writes_nothing(signed):
    rig, _, config = signed
    for key in ("topic", "command_topic", "discovery_prefix"):
        assert rig.reader.command(f"config set {key} a/+/b") == [
            f"error: {key} must be a topic name without the wildcards + and #"
        ]
    assert rig.reader.command("config set topic a/#") == [
        "error: topic must be a topic name without the wildcards + and #"
    ]
    saved = config.stat().st_ino  # every save writes a new file and renames it over the old one
    assert rig.reader.command("config set mqtt_qos 0") == ["ok mqtt_qos=0"]
    assert config.stat().st_ino == saved, "an unchanged setting rewrote the settings file"
    assert rig.reader.command("config set mqtt_qos 1") == ["ok mqtt_qos=1"]
    assert config.stat().st_ino != saved


def hanbench_command(broker, topic: str, *words: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`hanbench command` against the session broker."""
    return subprocess.run(
        [sys.executable, "-m", "bench", "command", "--broker", f"127.0.0.1:{broker.port}", "--topic", topic, *words],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        cwd=REPO,
        check=False,
    )


def test_hanbench_command_signs_with_a_secret_from_the_environment(signed, broker):
    rig, console, config = signed
    done = hanbench_command(
        broker,
        console.topic,
        "--secret-env",
        "READER_SECRET",
        "config",
        "set",
        "mqtt_qos",
        "1",
        env={"READER_SECRET": console.secret},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok mqtt_qos=1\n", "")
    assert "command_counter=1\n" in config.read_text()
    unsigned = hanbench_command(broker, console.topic, "reboot")
    assert unsigned.returncode == 1 and unsigned.stdout.startswith("error: reboot over MQTT needs a signed command")
    assert console.secret not in rig.reader.log_text()


def test_hanbench_command_says_what_is_wrong_in_one_line(broker):
    done = hanbench_command(broker, "nobody/listens", "--secret-env", "UNSET_SECRET", "reboot")
    assert (done.returncode, done.stderr) == (
        2,
        "hanbench command: the environment variable UNSET_SECRET holding the command secret is not set\n",
    )
    done = hanbench_command(broker, "nobody/listens", "--timeout", "0.5", "version")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no reply on nobody/listens/reply" in done.stderr


def test_a_password_set_over_mqtt_never_reaches_the_log(signed):
    rig, console, _ = signed
    assert console.ask_signed("config set mqtt_password hunter2-secret") == ["ok mqtt_password=********"]
    console.ask("config set wifi_password unsigned-secret")  # refused, and not logged either
    log = rig.reader.log_text()
    assert "signed command over mqtt: config set mqtt_password ********" in log
    assert "command over mqtt: config set wifi_password ********" in log
    assert "hunter2-secret" not in log and "unsigned-secret" not in log
