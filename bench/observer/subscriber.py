"""The MQTT observer process: subscribe to everything, stamp each message on arrival, append it to a file.

Run as `python -m bench.observer.subscriber OUT HOST PORT`, with a login (if any) in
HANBENCH_MQTT_USER and HANBENCH_MQTT_PASSWORD.
It lives in a process of its own and its callback does nothing but stamp and
append: a paho subscriber that shares a process with busy Python threads
reads some 600 messages a second, one alone some 20,000.

Each line of OUT: {"t": time.monotonic() at arrival, "topic": ..., "payload": text}
(payload_hex instead when the payload is not UTF-8). CLOCK_MONOTONIC is
shared by every process on the machine, so t compares with the sent log's
end_mono directly.
"""

import os
import signal
import sys
import threading
import time

import orjson
import paho.mqtt.client as mqtt

from bench.observer.process import CONNECTED_LINE, DISCONNECTED_LINE, LOGIN_ENV, READY_LINE

__all__ = ["observe"]

# How often the buffered file is flushed, so the bench can see when messages stop arriving.
FLUSH_EVERY_S = 0.2


def _flush_periodically(out) -> None:
    """Flush the output a few times a second; a thread that sleeps costs the message loop nothing."""
    while not out.closed:
        time.sleep(FLUSH_EVERY_S)
        try:
            out.flush()
        except ValueError:  # closed between the check and the flush
            return


def _line(arrival: float, message: mqtt.MQTTMessage) -> bytes:
    try:
        body = b'"payload": ' + orjson.dumps(message.payload.decode())
    except UnicodeDecodeError:
        body = b'"payload_hex": "' + message.payload.hex().encode() + b'"'
    return b'{"t": %.6f, "topic": %s, %s}\n' % (arrival, orjson.dumps(message.topic), body)


def observe(out_path: str, host: str, port: int, username: str | None = None, password: str | None = None) -> None:
    """Subscribe to every topic and append stamped messages to out_path until SIGTERM."""
    out = open(out_path, "ab", buffering=1 << 16)
    threading.Thread(target=_flush_periodically, args=(out,), daemon=True).start()
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"hanbench-observer-{port}", protocol=mqtt.MQTTv311
    )
    if username is not None:
        client.username_pw_set(username, password)
    # Stamp first, then format: the arrival time is what latency is measured to.

    def record(_client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        out.write(_line(time.monotonic(), message))

    client.on_message = record
    client.on_connect = lambda c, _u, _f, reason, _p: _subscribed(c, reason)
    client.on_subscribe = lambda *_: print(f"{READY_LINE} {time.monotonic():.6f}", flush=True)
    client.on_disconnect = lambda *_: print(f"{DISCONNECTED_LINE} {time.monotonic():.6f}", flush=True)
    # A broker restarted mid-run: come back quickly so as little as possible is missed.
    client.reconnect_delay_set(min_delay=1, max_delay=1)
    signal.signal(signal.SIGTERM, lambda *_: client.disconnect())
    client.connect(host, port, keepalive=30)
    client.loop_forever(retry_first_connection=True)
    out.close()


def _subscribed(client: mqtt.Client, reason) -> None:
    print(f"{CONNECTED_LINE} ({reason}) {time.monotonic():.6f}", flush=True)
    client.subscribe("#", qos=0)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    observe(arguments[0], arguments[1], int(arguments[2]), *(os.environ.get(name) for name in LOGIN_ENV))
