"""The fixed buffers hold the largest thing they must: the longest lists as classic
documents and as raw hex, and commands over MQTT up to the longest one taken."""

import uuid

import paho.mqtt.client as mqtt
import pytest

from simulator.codec import FrameDecoder
from tests.firmware.harness import MAX_EXTRAS, MqttWatcher, expected_document, start_rig
from tests.firmware.test_firmware_differential import with_items
from tests.firmware.test_firmware_frames import assert_same_document
from tests.oracles import REFERENCE, reference_reading

# The longest frames the meters send: Aidon's three-phase list 3 (396 bytes) and
# Kamstrup's hourly list (303 bytes).
LARGEST = ["aidon-3p-l3", "kamstrup-l2-hourly"]
_DOUBLE_LONG = 0x05


@pytest.fixture(params=["release", "asan"])
def build(request):
    """The release build and the sanitizer build, which reports any write past a buffer."""
    return request.getfixturevalue("firmware_build" if request.param == "release" else "asan_build")


def test_largest_lists_publish_whole_classic_documents(build, broker, tmp_path):
    rig = start_rig(build, broker, tmp_path, "--temperature", "-54.875")
    try:
        for name in LARGEST:
            document = rig.publishes(bytes.fromhex(REFERENCE[name]["hex"]), name)
            assert document["data"].pop("temp") == -54.875
            assert_same_document(document["data"], expected_document(reference_reading(name)), name)
    finally:
        assert rig.close() == 0


def test_the_largest_list_with_the_widest_extras_publishes_a_whole_classic_document(build, broker, tmp_path):
    """Aidon's list 3 and as many extras as the firmware keeps, each at its widest: a six-part code of three-digit
    parts and the most negative 32-bit number at scaler +6 (the widest the Python codec encodes; kMaxDecimalText
    in core/output.h bounds 64-bit ones too)."""
    widest = [(bytes((255, 255, 255, 255, 255, 255 - n)), (_DOUBLE_LONG, -(2**31))) for n in range(MAX_EXTRAS)]
    frame = with_items(bytes.fromhex(REFERENCE["aidon-3p-l3"]["hex"]), widest, scaler=6)
    reading = FrameDecoder().decode(frame)
    assert len(reading["extra"]) == MAX_EXTRAS
    rig = start_rig(build, broker, tmp_path, "--temperature", "-54.875")
    try:
        document = rig.publishes(frame, "Aidon's list 3 with the widest extras")
        assert document["data"].pop("temp") == -54.875
        assert_same_document(document["data"], expected_document(reading), "the widest extras")
    finally:
        assert rig.close() == 0


def test_largest_frames_publish_whole_in_raw_hex(build, broker, tmp_path):
    rig = start_rig(build, broker, tmp_path, "--format", "raw", "--qos", "1")
    try:
        for name in LARGEST:
            rig.line.write(bytes.fromhex(REFERENCE[name]["hex"]))
            assert rig.watcher.next(5, f"{name} in hex").payload.decode() == REFERENCE[name]["hex"].upper()
    finally:
        assert rig.close() == 0


def send_command(port: int, topic: str, command: str) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(topic, command, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def test_commands_over_mqtt_up_to_the_longest_taken(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex}".ljust(64, "c")  # the longest command topic the settings allow
    rig = start_rig(firmware_build, broker, tmp_path, "--command-topic", commands)
    replies = MqttWatcher(broker.port, commands + "/reply")
    try:
        send_command(broker.port, commands, "version")
        assert replies.next(5, "the reply to version").payload == b"hanreader 0.1.0"
        # 127 bytes, the longest command taken; the reply names all of it.
        key = "k" * (127 - len("config get "))
        send_command(broker.port, commands, f"config get {key}")
        reply = replies.next(5, "the reply to a 127-byte command").payload.decode()
        assert reply == f'error: unknown setting "{key}"; try config get'
        send_command(broker.port, commands, "config get " + "k" * 300)
        rig.reader.wait_log("mqtt skipped a packet of", 5)
        send_command(broker.port, commands, "version")
        assert replies.next(5, "a reply after the skipped command").payload == b"hanreader 0.1.0"
    finally:
        replies.stop()
        assert rig.close() == 0
