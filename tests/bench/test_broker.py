"""Brokers: each starts on an ephemeral loopback port, answers, restarts on its port, and says why when it cannot."""

import socket

import pytest

from bench.broker import BrokerEndpoint, BrokerServer, is_up, make_broker, new_client
from bench.errors import BrokerError
from bench.observer import Observer
from bench.observer.process import READY_LINE
from bench.process import wait_until

# mosquitto missing: tests/tiers.toml skips its case with the install line (fails it under HANBENCH_STRICT=1).
KINDS = ["embedded", "mosquitto"]
# What the observer sees comes within milliseconds on an idle machine; the limit only ends a test that would hang.
OBSERVER_WITHIN_S = 30.0


@pytest.mark.parametrize("kind", KINDS)
def test_a_broker_carries_messages_to_the_observer_and_survives_a_restart(kind, tmp_path):
    broker = make_broker(kind, tmp_path)
    endpoint = broker.start()
    observer = Observer(endpoint, tmp_path)
    try:
        observer.start()
        _publish(endpoint, [f"before {n}" for n in range(50)])
        _wait_for(observer, lambda payloads: len(payloads) == 50, "the 50 messages before the restart")
        broker.restart()
        assert broker.endpoint.port == endpoint.port and is_up(endpoint)
        # The observer's second SUBACK, however long a busy machine makes its one-second back-off.
        wait_until(
            lambda: observer.log_path.read_text().count(READY_LINE) == 2,
            OBSERVER_WITHIN_S,
            "the observer's SUBACK after the restart",
            observer.log_path,
        )
        _publish(endpoint, ["after"])
        _wait_for(observer, lambda payloads: "after" in payloads, "the message after the restart")
    finally:
        observer.stop()
        broker.stop()
    payloads = [m["payload"] for m in observer.messages()]
    assert payloads == [*(f"before {n}" for n in range(50)), "after"]
    assert all(m["t"] > 0 for m in observer.messages())
    assert not is_up(endpoint)


def _publish(endpoint: BrokerEndpoint, payloads: list[str]) -> None:
    client = new_client(endpoint)
    client.connect(endpoint.host, endpoint.port)
    client.loop_start()
    for payload in payloads:
        info = client.publish("hanbench/t", payload)
    info.wait_for_publish(OBSERVER_WITHIN_S)
    client.disconnect()
    client.loop_stop()


def _wait_for(observer: Observer, seen, what: str) -> None:
    """Wait until seen(the payloads the observer has written out) holds: a broker restarted or an observer
    stopped before then loses messages still on their way, however long a fixed sleep was."""
    wait_until(lambda: seen([m["payload"] for m in observer.messages()]), OBSERVER_WITHIN_S, what, observer.log_path)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("carrier-pigeon", "--broker must be auto, embedded, mosquitto or HOST:PORT, not 'carrier-pigeon'"),
        ("localhost:99999", "--broker must be auto, embedded, mosquitto or HOST:PORT, not 'localhost:99999'"),
    ],
)
def test_a_bad_broker_spec_is_one_line_naming_the_choices(spec, message, tmp_path):
    with pytest.raises(BrokerError, match=message):
        make_broker(spec, tmp_path)


def test_an_external_broker_that_does_not_answer_is_named(tmp_path):
    from bench.broker import free_port

    port = free_port()
    with pytest.raises(
        BrokerError, match=f"no MQTT broker answers on 127.0.0.1:{port}; start it, or use --broker embedded"
    ):
        make_broker(f"127.0.0.1:{port}", tmp_path).start()


def test_a_broker_that_dies_at_start_shows_its_log_tail(tmp_path, monkeypatch):
    broker = make_broker("embedded", tmp_path)
    monkeypatch.setattr(
        broker, "argv", lambda: ["python", "-c", "import sys; print('address already in use'); sys.exit(1)"]
    )
    with pytest.raises(
        BrokerError, match=r"exited while waiting for MQTT CONNACK from embedded .*\n.*address already in use"
    ):
        broker.start()


@pytest.mark.parametrize("kind", KINDS)
def test_a_chosen_port_taken_before_the_broker_binds_it_is_replaced(kind, tmp_path):
    """The kernel's free port can be grabbed by someone else first; the broker then starts on another."""
    broker = make_broker(kind, tmp_path)
    assert isinstance(broker, BrokerServer)
    taken = broker.port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        endpoint = broker.start()
    try:
        assert endpoint.port != taken and is_up(endpoint)
        assert "address already in use" in broker.log_path.read_text().lower()
    finally:
        broker.stop()
