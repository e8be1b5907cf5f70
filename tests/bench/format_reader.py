"""A reader for the bench's tests that publishes another reader's format, right or wrong on purpose.

Usage: format_reader.py FORMAT MODE TTY MQTT_HOST MQTT_PORT TOPIC. It reads HDLC frames
from the pty, decodes them with simulator.codec and publishes them as format_writers
writes FORMAT (amsreader, amsreader-raw, raw). MODE: good, scale, missing (see
format_writers), or late (every message 1.5 s after its frame).
"""

import sys
import threading

import paho.mqtt.client as mqtt
import serial

from simulator.codec import FrameDecoder, FrameError, HdlcDeframer
from tests.bench.fake_reader import LATE_S
from tests.bench.format_writers import make_writer


def connect(host: str, port: str) -> mqtt.Client:
    """A client whose network loop this process turns itself: a list's messages then leave together,
    not the first at once and the rest when a loop thread next wakes (some 50 ms later)."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
    client.on_connect = lambda *_: print("MQTT connected", flush=True)
    client.connect(host, int(port))
    return client


def main() -> None:
    output_format, mode, tty, host, port, topic = sys.argv[1:7]
    client = connect(host, port)
    line = serial.Serial(tty, 2400, timeout=0.05)
    deframer, decoder, write = HdlcDeframer(), FrameDecoder(), make_writer(output_format)
    while True:
        client.loop(timeout=0.001)
        for frame in deframer.feed(line.read(4096)):
            try:
                reading = decoder.decode(frame)
            except FrameError as error:
                print(f"dropped: {error}", flush=True)
                continue
            for message in write(reading, frame, "good" if mode == "late" else mode, topic):
                if mode == "late":
                    threading.Timer(LATE_S, client.publish, message).start()
                else:
                    client.publish(*message)


if __name__ == "__main__":
    main()
