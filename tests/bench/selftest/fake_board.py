"""A reader board in Python for the station's tests: the firmware's console protocol, its MQTT, its HAN input.

Usage: fake_board.py MODE TTY MQTT_HOST MQTT_PORT TOPIC, MODE one of
good, scale (currents published ten times too large), no-mqtt (never reaches
its broker), no-temp (publishes no temperature), late-boot (its banner comes
8 s after power-on). Console on stdin/stdout, as the host build's.
"""

import json
import os
import select
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

from bench.observer.adapters import CLASSIC_KEYS, KILO_KEYS
from simulator.codec import FrameError, HdlcDeframer, decode_frame

VERSION = "0.1.0"
BOARD_ID = "host-0000fa4e"
LATE_BOOT_S = 8.0  # past the station tests' banner limit (tests/bench/selftest/station_run.py)
SECRETS = ("wifi_password", "mqtt_password")
KEYS = {canonical: key for key, canonical in CLASSIC_KEYS.items()}


_CONSOLE = threading.Lock()


def say(line: str) -> None:
    # Log lines and replies come from several threads; each must stay one whole line, as on a UART.
    with _CONSOLE:
        print(line, flush=True)


class FakeBoard:
    """Settings, an MQTT client that follows them, and a HAN reader that publishes the classic document."""

    def __init__(self, mode: str, host: str, port: str, topic: str):
        self.mode = mode
        self.settings = {
            "wifi_ssid": "",
            "wifi_password": "",
            "mqtt_host": host,
            "mqtt_port": port,
            "mqtt_user": "",
            "mqtt_password": "",
            "topic": topic,
            "command_topic": "",
            "format": "classic",
            "serial": "auto",
        }
        self.client: mqtt.Client | None = None
        self.connected = False

    def boot(self) -> None:
        if self.mode == "late-boot":
            time.sleep(LATE_BOOT_S)
        say(f"fake {time.monotonic():.6f} hanreader {VERSION} started, id {BOARD_ID}")
        self.connect()

    def connect(self) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client.loop_stop()
        self.connected = False
        if self.mode == "no-mqtt":
            return
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        client.on_connect = self.on_connect
        client.on_message = lambda _c, _u, message: self.run(message.payload.decode(), self.reply_mqtt)
        # paho annotates whole seconds, but sleeps any number: a fake board reconnects within a test's patience.
        client.reconnect_delay_set(0.1, 0.5)  # type: ignore[arg-type]
        self.client = client  # before the loop starts: on_connect checks it is still the current client
        client.connect_async(self.settings["mqtt_host"], int(self.settings["mqtt_port"]))
        client.loop_start()

    def on_connect(
        self, client: mqtt.Client, _userdata: object, _flags: object, reason: ReasonCode, _properties: object
    ) -> None:
        if reason.is_failure or client is not self.client:
            return  # a client replaced by new settings does not count
        if self.settings["command_topic"]:
            client.subscribe(self.settings["command_topic"])
        self.connected = True
        say("fake mqtt connected")

    def reply_mqtt(self, line: str) -> None:
        assert self.client is not None, "a command came over MQTT, so there is a client"
        self.client.publish(self.settings["command_topic"] + "/reply", line)

    def run(self, line: str, reply) -> None:
        words = line.split(" ", 3)
        if words[0] == "version":
            reply(f"hanreader {VERSION}")
        elif words[0] == "status":
            reply(f"status mqtt={'connected' if self.connected else 'disconnected'} serial={self.settings['serial']}")
        elif words[0] == "reboot":
            reply("rebooting")
            self.boot()
        elif words[:2] == ["config", "get"] and len(words) > 2:
            value = self.settings.get(words[2], "")
            reply(f"{words[2]}={'********' if words[2] in SECRETS and value else value}")
        elif words[:2] == ["config", "set"] and len(words) > 2:
            self.settings[words[2]] = words[3] if len(words) > 3 else ""
            reply(f"ok {words[2]}={self.settings[words[2]]}")
            if words[2].startswith("mqtt_") or words[2] == "command_topic":
                self.connect()
        else:
            reply(f'error: unknown command "{words[0]}"; try help')

    def document(self, reading: dict) -> str:
        data = {KEYS[name]: value for name, value in reading.items() if name in KEYS}
        for key in KILO_KEYS & data.keys():
            data[key] = data[key] / 1000
        if self.mode == "scale":
            data.update({key: data[key] * 10 for key in ("I1", "I2", "I3") if key in data})
        if self.mode != "no-temp":
            data["temp"] = 24.0
        return json.dumps({"id": BOARD_ID, "up": 0, "t": int(time.time()), "data": data})

    def read_han(self, tty: str) -> None:
        # Plain reads: pyserial's read() drops what it has gathered when a pty wakes select() with nothing to read.
        line = os.open(tty, os.O_RDWR | os.O_NOCTTY)
        deframer = HdlcDeframer()
        while True:
            select.select([line], [], [], 0.5)
            try:
                data = os.read(line, 4096)
            except OSError as error:  # EIO while the line's other side is not open: wait for it, as a UART would
                say(f"fake han read: {error}")
                time.sleep(0.05)
                continue
            for frame in deframer.feed(data):
                self.publish(frame)

    def publish(self, frame: bytes) -> None:
        try:
            reading = decode_frame(frame)
        except FrameError as error:
            say(f"fake frame not decoded: {error}")
            return
        if self.connected and self.client is not None:
            self.client.publish(self.settings["topic"], self.document(reading))


def main() -> None:
    mode, tty, host, port, topic = sys.argv[1:6]
    board = FakeBoard(mode, host, port, topic)
    board.boot()
    threading.Thread(target=board.read_han, args=(tty,), daemon=True).start()
    for line in sys.stdin:
        if line.strip():
            board.run(line.strip(), say)


if __name__ == "__main__":
    main()
