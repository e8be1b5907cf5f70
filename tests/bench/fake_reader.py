"""Readers for the bench's tests: one that does it right, and ones that get one thing wrong on purpose.

Usage: fake_reader.py MODE TTY MQTT_HOST MQTT_PORT TOPIC, MODE one of good,
scale (current ten times too large), drop-tenth (every tenth list lost),
bad-crc (publishes frames whose checksum failed), late (publishes 1.5 s after
the frame), silent (connects, never publishes).
"""

import json
import sys
import threading

import paho.mqtt.client as mqtt
import serial

KEYS = {"active_power_import": "P", "active_power_export": "PO", "reactive_power_import": "Q",
        "reactive_power_export": "QO", "current_l1": "I1", "current_l2": "I2", "current_l3": "I3",
        "voltage_l1": "U1", "voltage_l2": "U2", "voltage_l3": "U3", "list_version": "lv", "meter_id": "id",
        "meter_type": "type", "active_energy_import": "tPI", "active_energy_export": "tPO",
        "reactive_energy_import": "tQI", "reactive_energy_export": "tQO"}
LATE_S = 1.5


def document(readings: dict, mode: str) -> str:
    data = {KEYS[name]: value for name, value in readings.items() if name in KEYS}
    for key in ("tPI", "tPO", "tQI", "tQO"):
        if key in data:
            data[key] = data[key] / 1000
    if mode == "scale" and "I1" in data:
        data["I1"] *= 10
    return json.dumps({"id": "fake", "up": 0, "t": 0, "data": data})


def main() -> None:
    mode, tty, host, port, topic = sys.argv[1:6]
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.on_connect = lambda *_: print("MQTT connected", flush=True)
    client.connect(host, int(port))
    client.loop_start()
    line = serial.Serial(tty, 2400, timeout=1)
    count = 0
    while True:
        raw = line.readline()
        if not raw.endswith(b"\n"):
            continue
        frame = json.loads(raw)
        if not frame["crc_ok"] and mode != "bad-crc":
            continue
        count += 1
        if mode == "silent" or (mode == "drop-tenth" and count % 10 == 0):
            continue
        payload = document(frame["readings"], mode)
        if mode == "late":
            threading.Timer(LATE_S, client.publish, (topic, payload)).start()
        else:
            client.publish(topic, payload)


if __name__ == "__main__":
    main()
