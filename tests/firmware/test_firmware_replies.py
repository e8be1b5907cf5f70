"""Console replies arrive whole: the longest reply of every command, with every setting
at its longest, over MQTT on <command topic>/reply, and no command line cut short and run."""

import time
import uuid

from bench.command import sign_command
from tests.firmware.harness import FIRMWARE, MqttWatcher, found, start_rig
from tests.firmware.test_firmware_bounds import send_command

KEYS = [
    "wifi_ssid",
    "wifi_password",
    "mqtt_host",
    "mqtt_port",
    "mqtt_client_id",
    "mqtt_user",
    "mqtt_password",
    "topic",
    "command_topic",
    "command_secret",
    "command_counter",
    "meter_key",
    "meter_auth_key",
    "mqtt_qos",
    "keepalive_s",
    "serial",
    "baud",
    "format",
    "discovery_prefix",
    "temperature",
]
STATUS_KEYS = [
    "uptime_ms",
    "serial",
    "baud",
    "mqtt",
    "make",
    "frames",
    "lists",
    "published",
    "bad_fcs",
    "bad_hcs",
    "truncated",
    "garbage_bytes",
    "decode_errors",
    "segments_lost",
    "list_too_long",
    "no_key",
    "wrong_tag",
    "stale_counter",
    "undecodable",
]
# The widest value of each status word that is not a count; a count is a uint32, 10 digits at most.
# Two reconnects of a reader on loopback: a second or so, even on two busy cores.
RECONNECTED_WITHIN_S = 20.0
WIDEST_STATUS_WORDS = {"serial": "8E1?", "mqtt": "disconnected", "make": "kamstrup"}
# config set's errors that quote the value, by key: what precedes the quoted value.
VALUE_ERRORS = {
    "mqtt_port": "mqtt_port must be a whole number from 1 to 65535",
    "keepalive_s": "keepalive_s must be a whole number from 5 to 65535",
    "mqtt_qos": "mqtt_qos must be a whole number from 0 to 1",
    "serial": "serial must be one of auto, 8E1, 8N1",
    "baud": "baud must be one of auto, 2400, 9600, 115200",
    "format": "format must be one of classic, per-value, homeassistant, raw",
    "temperature": "temperature must be empty (no sensor) or a number from -55 to 125",
}


def console_constant(name: str) -> int:
    """A size the console declares in firmware/core/console.h (kMaxReply, kMaxCommandLine)."""
    return int(found(rf"\b{name} = (\d+);", (FIRMWARE / "core/console.h").read_text())[1])


def longest_settings(command_topic: str) -> dict[str, str]:
    """Every setting the config file can hold at its longest, on a broker the rig can still reach."""
    return {
        "wifi_ssid": "s" * 32,
        "wifi_password": "p" * 63,
        "mqtt_client_id": uuid.uuid4().hex,
        "mqtt_user": "u" * 32,
        "mqtt_password": "w" * 64,
        "command_topic": command_topic,
        "command_secret": "c" * 64,
        "command_counter": "4294967000",
        "meter_key": "0123456789ABCDEFabcdef0123456789",
        "meter_auth_key": "F" * 32,
        "discovery_prefix": "d" * 32,
        "format": "homeassistant",
        "keepalive_s": "65535",
        "temperature": "-54.9999",
    }


class Console:
    """Commands over MQTT to one reader, and its replies from <command topic>/reply."""

    def __init__(self, port: int, topic: str, secret: str = "", counter: int = 0):
        self.port, self.topic = port, topic
        self.secret, self.counter = secret, counter
        self.replies = MqttWatcher(port, topic + "/reply")

    def ask(self, command: str, count: int = 1) -> list[str]:
        send_command(self.port, self.topic, command)
        return [
            self.replies.next(5, f"reply {n + 1} of {count} to {command[:40]!r}").payload.decode() for n in range(count)
        ]

    def ask_signed(self, command: str, count: int = 1) -> list[str]:
        """The command signed with the reader's secret and the next counter."""
        self.counter += 1
        return self.ask(sign_command(self.secret, self.topic, self.counter, command), count)


def widest_status(status: str) -> str:
    """The status line with every count at 10 digits and every word at its widest."""
    fields = dict(pair.split("=") for pair in status.split()[1:])
    assert all(value.isdigit() for key, value in fields.items() if key not in WIDEST_STATUS_WORDS), status
    return "status " + " ".join(f"{key}={WIDEST_STATUS_WORDS.get(key, '4294967295')}" for key in fields)


def filling_the_line(prefix: str) -> str:
    """prefix and then digits up to the longest command line the console runs."""
    return prefix + "9" * (console_constant("kMaxCommandLine") - len(prefix))


def test_the_longest_reply_of_every_command_arrives_whole_over_mqtt(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex}".ljust(64, "c")
    settings = longest_settings(commands)
    config = tmp_path / "reader.conf"
    config.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config))
    console = Console(broker.port, commands, settings["command_secret"], int(settings["command_counter"]))
    try:
        (status,) = console.ask("status")
        assert [pair.split("=")[0] for pair in status.split()[1:]] == STATUS_KEYS, status
        assert len(widest_status(status)) <= console_constant("kMaxReply"), widest_status(status)
        assert console.ask("help") == [
            "commands: version, status, config get [KEY], config set KEY VALUE, reboot, help"
        ]
        settings["topic"] = "a" * 64
        assert console.ask_signed(f"config set topic {settings['topic']}") == [f"ok topic={settings['topic']}"]
        settings.update(
            mqtt_host="127.0.0.1",
            mqtt_port=str(broker.port),
            mqtt_qos="0",
            serial="8E1",
            baud="auto",
            wifi_password="********",
            mqtt_password="********",
            command_secret="********",
            meter_key="********",
            meter_auth_key="********",
            command_counter=str(console.counter),
        )
        assert console.ask("config get", count=len(KEYS) + 1) == [f"{key}={settings[key]}" for key in KEYS] + ["ok"]
        key = "k" * 39  # the longest key the console quotes
        settable = [name for name in KEYS if name != "command_counter"]
        assert console.ask_signed(f"config set {key} 1") == [
            f'error: unknown setting "{key}"; known: {", ".join(settable)}'
        ]
        for key, error in VALUE_ERRORS.items():
            command = filling_the_line(f"config set {key} ")
            value = command.rsplit(" ", 1)[1]
            assert console.ask_signed(command) == [f'error: {error}, not "{value}"']
    finally:
        console.replies.stop()
        assert rig.close() == 0


def test_a_command_longer_than_the_console_takes_is_refused_not_cut_short(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex[:8]}"  # short, so the MQTT client takes a longer command
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands)
    console = Console(broker.port, commands)
    refused = f"error: command longer than {console_constant('kMaxCommandLine')} characters, not run"
    try:
        too_long = filling_the_line("config set temperature ") + "9"
        assert rig.reader.command(too_long + "9" * 100) == [refused]
        assert console.ask(too_long) == [refused]
        assert console.ask("version") == ["hanreader 0.1.0"]
    finally:
        console.replies.stop()
        assert rig.close() == 0


def test_a_setting_the_store_cannot_save_is_reported(firmware_build, broker, tmp_path):
    folder = tmp_path / "settings"
    folder.mkdir()
    config = folder / "reader.conf"
    config.write_text("topic=ams\n")
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config))
    try:
        config.unlink()
        folder.rmdir()  # the store has nowhere to write
        assert rig.reader.command("config set temperature 19.5") == [
            "error: not saved: the settings store failed; the previous settings stay in force"
        ]
        assert rig.reader.command("config get temperature") == ["temperature="]
    finally:
        assert rig.close() == 0


def test_a_command_that_moves_the_broker_connection_is_answered_before_the_reconnect(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex[:8]}"
    secret = uuid.uuid4().hex
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands)
    assert rig.reader.command(f"config set command_secret {secret}") == ["ok command_secret=********"]
    console = Console(broker.port, commands, secret)
    client_id = f"moved-{uuid.uuid4().hex[:8]}"
    try:
        assert console.ask_signed(f"config set mqtt_client_id {client_id}") == [f"ok mqtt_client_id={client_id}"]
        assert console.ask_signed("config set keepalive_s 31") == ["ok keepalive_s=31"]
        # Each command moved the connection: the reader answers first, then reconnects. A command sent while it
        # reconnects is lost, as on any broker, so the test waits for the third connection before it asks.
        deadline = time.monotonic() + RECONNECTED_WITHIN_S
        while rig.reader.log_text().count("mqtt connected") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rig.reader.log_text().count("mqtt connected") == 3, rig.reader.log_text()
        # The reader reconnected under its new identity and still takes commands.
        (status,) = console.ask("status")
        assert " mqtt=connected " in status, status
        assert console.ask("config get mqtt_client_id") == [f"mqtt_client_id={client_id}"]
    finally:
        console.replies.stop()
        assert rig.close() == 0
