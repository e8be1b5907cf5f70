"""Attacks from the same broker and from a damaged settings file, each refused."""

import socket
import time
import uuid

import paho.mqtt.client as mqtt

from tests.firmware.harness import MeterLine, MqttWatcher, Started, free_port, run_until_started, start_rig
from tests.firmware.test_firmware_bounds import send_command


def test_an_unsigned_broker_redirect_over_mqtt_is_refused(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex}/cmd"
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands, "--user", "reader")
    replies = MqttWatcher(broker.port, commands + "/reply")
    trap = socket.create_server(("127.0.0.1", free_port()))
    trap.settimeout(2)
    try:
        send_command(broker.port, commands, f"config set mqtt_port {trap.getsockname()[1]}")
        reply = replies.next(5, "the reply to an unsigned config set").payload.decode()
        assert reply.startswith("error: config set over MQTT needs a signed command"), reply
        try:
            trap.accept()[0].close()
            raise AssertionError("the reader connected to the attacker's port")
        except TimeoutError:
            pass
        send_command(broker.port, commands, "config get mqtt_port")
        assert replies.next(5, "the port read back").payload.decode() == f"mqtt_port={broker.port}"
    finally:
        trap.close()
        replies.stop()
        assert rig.close() == 0


def test_a_retained_reboot_restarts_nothing(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex}/cmd"
    attacker = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    attacker.connect("127.0.0.1", broker.port)
    attacker.loop_start()
    attacker.publish(commands, "reboot", qos=1, retain=True).wait_for_publish(5)
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands)
    try:
        time.sleep(2)  # a restart loop restarts many times a second
        log = rig.reader.log_text()
        assert log.count(" started, id ") == 1, log
        assert "command over mqtt ignored: retained" in log, log
    finally:
        attacker.publish(commands, b"", qos=1, retain=True).wait_for_publish(5)  # clears the retained message
        attacker.loop_stop()
        attacker.disconnect()
        assert rig.close() == 0


def start_with_config(build, tmp_path, text: bytes) -> tuple[Started, float]:
    """Runs hanreader on a config file until it exits or has applied it; its result and the time taken."""
    config = tmp_path / "reader.conf"
    config.write_bytes(text)
    line = MeterLine()
    try:
        argv = [str(build / "hanreader"), "--tty", line.path, "--config", str(config)]
        return run_until_started(argv, tmp_path / "hanreader.log")
    finally:
        line.close()


def test_a_last_line_ending_in_a_space_fails_at_once(firmware_build, tmp_path):
    done, took = start_with_config(firmware_build, tmp_path, b"mqtt_host=127.0.0.1\ntopic=ams ")
    assert done.returncode == 2, (took, done)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(
        f"hanreader: config file {tmp_path / 'reader.conf'}, line 2: topic must not begin or end with a space"
    ), line


def test_a_last_line_ending_in_a_carriage_return_loads(firmware_build, tmp_path):
    done, took = start_with_config(firmware_build, tmp_path, b"mqtt_host=127.0.0.1\r\ntopic=ams\r")
    assert done.returncode is None, f"exited {done.returncode} after {took:.2f} s: {done.stderr}"
    # Started and applied its settings: a parser that loops never logs this.
    assert "started, id" in done.stderr and "topic ams" in done.stderr, done.stderr
