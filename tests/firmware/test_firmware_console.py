"""The console the manufacturing self-test drives, and the other output formats."""

import json

from simulator.codec import decode_frame
from tests.firmware.harness import capture_frames, start_rig
from tests.firmware.test_firmware_frames import REFERENCE

KAIFA_L3 = bytes.fromhex(REFERENCE["kaifa-l3"]["hex"])


def test_version_status_and_help(rig):
    assert rig.reader.command("version") == ["hanreader 0.1.0"]
    rig.publishes(KAIFA_L3, "a Kaifa list 3")
    (status,) = rig.reader.command("status")
    assert status.startswith("status uptime_ms=")
    fields = dict(pair.split("=") for pair in status.split()[1:])
    assert fields["mqtt"] == "connected" and fields["make"] == "kaifa"
    assert fields["frames"] == "1" and fields["lists"] == "1" and fields["published"] == "1"
    assert rig.reader.command("help")[0].startswith("commands: version, status")
    assert rig.reader.command("frobnicate") == ['error: unknown command "frobnicate"; try help']


def test_config_get_set_validates_and_masks_secrets(rig):
    assert rig.reader.command("config get topic") == [f"topic={rig.topic}"]
    assert rig.reader.command("config set mqtt_password s3cret") == ["ok mqtt_password=********"]
    assert rig.reader.command("config set mqtt_port 70000") == [
        'error: mqtt_port must be a whole number from 1 to 65535, not "70000"'
    ]
    assert rig.reader.command("config set wifi_ssid " + "x" * 33) == [
        "error: wifi_ssid must be 0 to 32 characters, not 33"
    ]
    assert rig.reader.command("config get nothing") == ['error: unknown setting "nothing"; try config get']
    lines = rig.reader.command("config get", replies=21)
    assert lines[-1] == "ok" and "mqtt_password=********" in lines and "serial=8E1" in lines


def test_config_set_topic_moves_publishing(rig):
    new_topic = rig.topic + "/moved"
    assert rig.reader.command(f"config set topic {new_topic}") == [f"ok topic={new_topic}"]
    assert rig.reader.log_text().count("mqtt connected") == 1, "a new topic needs no reconnect"
    rig.line.write(KAIFA_L3)
    message = rig.watcher.next(5, "the list on the new topic")
    assert message.topic == new_topic and json.loads(message.payload)["data"]["P"] == 1022


def test_reboot_restarts_from_the_saved_settings(firmware_build, broker, tmp_path):
    config = tmp_path / "reader.conf"
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config), "--temperature", "21.5")
    try:
        assert rig.reader.command("config set temperature 19.25") == ["ok temperature=19.25"]
        assert "temperature=19.25" in config.read_text()
        assert rig.reader.command("reboot") == ["rebooting"]
        rig.reader.wait_log("rebooting", 5)
        rig.reader.wait_log("hanreader 0.1.0 started", 5, after=rig.reader.log_text().index("rebooting"))
        rig.reader.wait_log("mqtt connected", 5, after=rig.reader.log_text().rindex("started"))
        document = rig.publishes(KAIFA_L3, "a list after the reboot")
        assert document["data"]["temp"] == 19.25 and document["up"] < 5000
    finally:
        assert rig.close() == 0


def test_per_value_topics(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--format", "per-value", "--temperature", "-3.5")
    try:
        rig.line.write(KAIFA_L3)
        messages = {m.topic[len(rig.topic) + 1 :]: m.payload.decode() for m in rig.watcher.drain(quiet=0.5)}
        assert messages["meter/import/active"] == "1022"
        assert messages["meter/l1/current"] == "1.937"
        assert messages["meter/import/active/accumulated"] == "180.073"
        assert messages["meter/clock"] == "2017-09-14T20:00:10"
        assert messages["meter/id"] == "6970631401753985"
        assert messages["temperature"] == "-3.5"
        assert len(messages) == 19  # 18 meter values and the temperature
    finally:
        assert rig.close() == 0


def test_home_assistant_discovery(firmware_build, broker, tmp_path):
    from tests.firmware.harness import MqttWatcher

    discovery = MqttWatcher(broker.port, "hatest/#")
    rig = start_rig(firmware_build, broker, tmp_path, "--format", "homeassistant", "--discovery-prefix", "hatest")
    try:
        rig.line.write(KAIFA_L3)
        configs = {m.topic: json.loads(m.payload) for m in discovery.drain(quiet=0.5)}
        power = next(c for t, c in configs.items() if t.endswith("/active_power_import/config"))
        assert power["state_topic"] == f"{rig.topic}/meter/import/active"
        assert power["unit_of_measurement"] == "W" and power["device_class"] == "power"
        energy = next(c for t, c in configs.items() if t.endswith("/active_energy_import/config"))
        assert energy["state_class"] == "total_increasing" and energy["unit_of_measurement"] == "kWh"
        assert len(configs) == 18
        states = {m.topic: m.payload.decode() for m in rig.watcher.drain(quiet=0.3)}
        assert states[power["state_topic"]] == "1022"
        rig.line.write(KAIFA_L3)
        assert discovery.drain(quiet=0.5) == [], "discovery configs are sent once per connection"
    finally:
        discovery.stop()
        assert rig.close() == 0


def test_raw_mode_publishes_the_frame_in_hex(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--format", "raw")
    try:
        frame = capture_frames("kamstrup-6841121-2017-10-20.log")[0]
        rig.line.write(b"\x00garbage" + frame)
        message = rig.watcher.next(5, "the raw frame")
        assert message.payload.decode() == frame.hex().upper()
        assert decode_frame(bytes.fromhex(message.payload.decode()))["list"] == 2
    finally:
        assert rig.close() == 0


def test_every_setting_at_its_longest_is_saved(firmware_build, broker, tmp_path):
    # persist() writes the settings text into the classic document's buffer (to keep it off
    # the ESP8266's loop stack); at its longest it must still fit and be saved whole.
    config = tmp_path / "reader.conf"
    longest = {
        "wifi_ssid": "s" * 32,
        "wifi_password": "p" * 63,
        "mqtt_client_id": "c" * 32,
        "mqtt_user": "u" * 32,
        "mqtt_password": "w" * 64,
        "command_topic": "t" * 64,
        "discovery_prefix": "d" * 32,
        "topic": "a" * 64,
        "format": "homeassistant",
        "keepalive_s": "65535",
        "temperature": "-54.9999",
        "mqtt_host": "h" * 64,
    }
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config))
    try:
        for key, value in longest.items():
            (reply,) = rig.reader.command(f"config set {key} {value}")
            assert reply.startswith(f"ok {key}="), reply
        saved = config.read_text()
        assert all(f"\n{key}={value}\n" in "\n" + saved for key, value in longest.items()), saved
    finally:
        assert rig.close() == 0
