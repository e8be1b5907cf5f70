"""A stand-in reader for encrypted and segmented meters: usage link_reader.py MODE TTY MQTT_HOST MQTT_PORT TOPIC.

It reads HDLC frames from the pty, joins and deciphers them with the codec's
link decoder (keys from HANBENCH_KEYS_FILE) and publishes the classic JSON
document. MODE: good; no-counter-check (deciphers every frame whatever its
frame counter, so a replayed frame is published).
"""

import sys

import serial

from simulator.codec import FrameError, HdlcDeframer, parse_frame
from simulator.codec.link import LinkDecoder
from simulator.codec.security import decipher_apdu
from simulator.keys import load_keys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from fake_reader import connect, document


class NoCounterCheck(LinkDecoder):
    """Deciphers every frame whatever its counter."""

    def _decipher(self, ciphered):
        return decipher_apdu(ciphered, self._keys_for(ciphered.system_title))


def main() -> None:
    mode, tty, host, port, topic = sys.argv[1:6]
    client = connect(host, port)
    line = serial.Serial(tty, 115200, timeout=0.05)
    decoder = (NoCounterCheck if mode == "no-counter-check" else LinkDecoder)(keys=load_keys())
    deframer = HdlcDeframer()
    while True:
        for frame in deframer.feed(line.read(4096)):
            try:
                reading = decoder.feed_hdlc(parse_frame(frame))
            except FrameError as error:
                print(f"dropped: {error}", flush=True)
                continue
            if reading is not None:
                reading.pop("security", None)
                client.publish(topic, document(reading, "good"))


if __name__ == "__main__":
    main()
