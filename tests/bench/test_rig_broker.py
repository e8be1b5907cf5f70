"""Rig mode's broker: a LAN listener with a kept login (0600), TLS with a generated CA, bounded messages and queues."""

import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from bench.broker import BrokerEndpoint, is_up, lan_listener, make_broker
from bench.broker.servers import MAX_PACKET
from bench.errors import BrokerError
from bench.observer import Observer
from tests.bench.test_loop import FAKE_METER, reader

LAN_HOST = "127.0.0.1"  # a LAN address in CI is the loopback one; the listener is the board's all the same


def connects(endpoint: BrokerEndpoint, ca=None) -> bool:
    """True when a client with endpoint's login (and TLS trusting ca) gets a successful CONNACK."""
    return is_up(endpoint, timeout=5.0, ca=ca)


def test_the_credentials_file_is_made_0600_once_and_keeps_port_user_and_password(tmp_path):
    path = tmp_path / "rig" / "broker.json"
    first = lan_listener(LAN_HOST, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = lan_listener(LAN_HOST, path)
    assert (again.port, again.username, again.password) == (first.port, first.username, first.password)
    assert first.password in first.board_settings() and str(first.port) in first.board_settings()


def test_a_credentials_file_others_may_read_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "broker.json"
    lan_listener(LAN_HOST, path)
    path.chmod(0o644)
    with pytest.raises(BrokerError, match=r"others may read it \(mode 644\); chmod 600 .*broker.json"):
        lan_listener(LAN_HOST, path)


def test_the_lan_listener_wants_the_login_and_the_bench_stays_on_loopback(tmp_path):
    lan = lan_listener(LAN_HOST, tmp_path / "broker.json")
    broker = make_broker("mosquitto", tmp_path, lan)
    endpoint = broker.start()
    try:
        assert endpoint.username is None and endpoint.port != lan.port and is_up(endpoint)
        assert broker.board_endpoint == lan.endpoint and connects(lan.endpoint)
        assert not connects(BrokerEndpoint(LAN_HOST, lan.port))
        assert not connects(BrokerEndpoint(LAN_HOST, lan.port, lan.username, "wrong"))
        assert lan.password not in (tmp_path / "mosquitto.conf").read_text()
        assert lan.password not in (tmp_path / "broker-mosquitto.log").read_text()
        assert stat.S_IMODE((tmp_path / "mosquitto.passwd").stat().st_mode) == 0o600
    finally:
        broker.stop()


def test_a_tls_listener_with_a_generated_ca_takes_only_tls_clients_that_trust_it(tmp_path):
    lan = lan_listener(LAN_HOST, tmp_path / "broker.json", tls=True)
    again = lan_listener(LAN_HOST, tmp_path / "broker.json", tls=True)
    assert lan.tls is not None and again.tls is not None
    assert lan.tls.ca.exists() and stat.S_IMODE(lan.tls.key.stat().st_mode) == 0o600
    assert again.tls.ca.read_bytes() == lan.tls.ca.read_bytes()
    broker = make_broker("mosquitto", tmp_path, lan)
    broker.start()
    try:
        assert connects(lan.endpoint, ca=lan.tls.ca)
        assert not connects(lan.endpoint), "a plain client got in on the TLS listener"
        other = lan_listener(LAN_HOST, tmp_path / "other.json", tls=True)
        assert other.tls is not None
        assert not connects(lan.endpoint, ca=other.tls.ca), "a client trusting another CA got in"
    finally:
        broker.stop()


def test_a_message_over_the_size_bound_is_refused_and_the_broker_lives_on(tmp_path):
    broker = make_broker("mosquitto", tmp_path)
    endpoint = broker.start()
    try:
        received = []
        watcher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        subscribed = threading.Event()
        watcher.on_subscribe = lambda *_: subscribed.set()
        watcher.on_message = lambda _c, _u, message: received.append(len(message.payload))
        watcher.on_connect = lambda client, *_: client.subscribe("#")
        watcher.connect(endpoint.host, endpoint.port)
        watcher.loop_start()
        assert subscribed.wait(5)
        sender = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        sender.connect(endpoint.host, endpoint.port)
        sender.loop_start()
        sender.publish("flood/big", b"x" * (MAX_PACKET + 1))
        sender.publish("flood/small", b"ok")
        time.sleep(2.0)  # both would have arrived by now on any machine
        sender.loop_stop()
        watcher.loop_stop()
        assert MAX_PACKET + 1 not in received
        assert is_up(endpoint) and broker.alive()
    finally:
        broker.stop()


def test_run_with_a_lan_host_prints_the_boards_settings_keeps_them_and_writes_the_password_nowhere(tmp_path):
    credentials = tmp_path / "rig.json"
    argv = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--meter",
        "kaifa-ma304h3e",
        "--duration",
        "20",
        "--warp",
        "10",
        "--dut",
        "cmd",
        "--dut-cmd",
        reader("good"),
        "--broker",
        "mosquitto",
        "--lan-host",
        LAN_HOST,
        "--lan-credentials",
        str(credentials),
        "--report-dir",
        str(tmp_path / "reports"),
        "--meter-cmd",
        " ".join(FAKE_METER),
    ]
    printed = []
    for _ in range(2):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        printed.append(next(line for line in done.stdout.splitlines() if line.startswith("MQTT broker for the board")))
    assert printed[0] == printed[1]
    password = lan_listener(LAN_HOST, credentials).password
    assert f"password {password}" in printed[0]
    for path in (tmp_path / "reports").rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), f"the password is in {path}"


def test_an_observer_with_a_login_takes_it_from_its_environment_not_its_argv(tmp_path):
    lan = lan_listener(LAN_HOST, tmp_path / "broker.json")
    broker = make_broker("mosquitto", tmp_path, lan)
    broker.start()
    observer = Observer(lan.endpoint, tmp_path)
    try:
        observer.start()  # subscribed: the login worked
        argv = Path(f"/proc/{observer._process.pid}/cmdline").read_bytes()
        assert lan.password.encode() not in argv
    finally:
        observer.stop()
        broker.stop()
    assert lan.password not in (tmp_path / "observer.log").read_text()
