"""Readers for the bench's tests: one that does it right, and ones that get one thing wrong on purpose.

Usage: fake_reader.py MODE TTY MQTT_HOST MQTT_PORT TOPIC. Each reads HDLC
frames from the pty, decodes them with simulator.codec and publishes the
classic JSON document. MODE: good; scale (I1 ten times too large);
drop-tenth (every tenth list lost); bad-crc (ignores the checksum, so
publishes corrupted frames too); late (publishes 1.5 s after the frame).
"""

import json
import sys
import threading

import paho.mqtt.client as mqtt
import serial

from simulator.codec import FrameError, HdlcDeframer, crc16_x25, decode_frame

KEYS = {
    "active_power_import": "P",
    "active_power_export": "PO",
    "reactive_power_import": "Q",
    "reactive_power_export": "QO",
    "current_l1": "I1",
    "current_l2": "I2",
    "current_l3": "I3",
    "voltage_l1": "U1",
    "voltage_l2": "U2",
    "voltage_l3": "U3",
    "list_version": "lv",
    "meter_id": "id",
    "meter_type": "type",
    "meter_time": "rtc",
    "active_energy_import": "tPI",
    "active_energy_export": "tPO",
    "reactive_energy_import": "tQI",
    "reactive_energy_export": "tQO",
}
LATE_S = 1.5


def document(reading: dict, mode: str) -> str:
    data = {KEYS[name]: value for name, value in reading.items() if name in KEYS}
    for key in ("tPI", "tPO", "tQI", "tQO"):
        if key in data:
            data[key] = data[key] / 1000
    if mode == "scale" and "I1" in data:
        data["I1"] *= 10
    return json.dumps({"id": "fake", "up": 0, "t": 0, "data": data})


class ChecksumBlind:
    """A deframer that takes the length field's word for it and mends the FCS instead of checking it."""

    def __init__(self):
        self.buffer = b""

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        frames = []
        while len(self.buffer) >= 3:
            start = self.buffer.find(b"\x7e")
            length = int.from_bytes(self.buffer[start + 1 : start + 3], "big") & 0x7FF if start >= 0 else 0
            if start < 0 or len(self.buffer) < start + length + 2:
                break
            raw, self.buffer = self.buffer[start : start + length + 2], self.buffer[start + length + 2 :]
            fcs = crc16_x25(raw[1:-3]).to_bytes(2, "little")
            frames.append(raw[:-3] + fcs + raw[-1:])
        return frames


def connect(host: str, port: str) -> mqtt.Client:
    """A client connected to the bench's broker, its network loop running."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.on_connect = lambda *_: print("MQTT connected", flush=True)
    client.connect(host, int(port))
    client.loop_start()
    return client


def main() -> None:
    mode, tty, host, port, topic = sys.argv[1:6]
    client = connect(host, port)
    line = serial.Serial(tty, 2400, timeout=0.05)
    deframer = ChecksumBlind() if mode == "bad-crc" else HdlcDeframer()
    count = 0
    while True:
        for frame in deframer.feed(line.read(4096)):
            try:
                reading = decode_frame(frame)
            except FrameError as error:
                print(f"dropped: {error}", flush=True)
                continue
            count += 1
            if mode == "drop-tenth" and count % 10 == 0:
                continue
            payload = document(reading, mode)
            if mode == "late":
                threading.Timer(LATE_S, client.publish, (topic, payload)).start()
            else:
                client.publish(topic, payload)


if __name__ == "__main__":
    main()
