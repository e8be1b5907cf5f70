"""Sends one command to a reader over MQTT and collects its replies on <topic>/reply."""

import queue
import uuid

from ..broker.endpoint import BrokerEndpoint, new_client
from .signing import sign_command

__all__ = ["CommandError", "CommandSender"]

# After the first reply, more lines (config get) come at once; this much quiet ends them.
QUIET_S = 0.5


class CommandError(Exception):
    """The broker cannot be reached or the reader did not answer."""


class CommandSender:
    """One MQTT connection to a reader's command topic and its reply topic."""

    def __init__(self, endpoint: BrokerEndpoint, topic: str):
        self.topic = topic
        self._replies: queue.Queue[str] = queue.Queue()
        self._subscribed: queue.Queue[bool] = queue.Queue()
        self._client = new_client(endpoint, f"hanbench-cmd-{uuid.uuid4().hex[:8]}")
        self._client.on_message = lambda _c, _u, message: self._replies.put(message.payload.decode(errors="replace"))
        self._client.on_subscribe = lambda *_args: self._subscribed.put(True)
        try:
            self._client.connect(endpoint.host, endpoint.port)
        except OSError as error:
            raise CommandError(f"cannot reach the broker at {endpoint}: {error.strerror or error}") from None
        self._client.loop_start()
        self._client.subscribe(topic + "/reply", qos=1)
        try:
            self._subscribed.get(timeout=10)
        except queue.Empty:
            self.close()
            raise CommandError(f"the broker at {endpoint} did not confirm the subscription to {topic}/reply") from None

    def ask(self, command: str, timeout: float) -> list[str]:
        """Publishes command (not retained) and returns the reply lines; fails when none came."""
        self._client.publish(self.topic, command, qos=1, retain=False).wait_for_publish(timeout)
        try:
            lines = [self._replies.get(timeout=timeout)]
        except queue.Empty:
            raise CommandError(
                f"no reply on {self.topic}/reply within {timeout:g} s; is the reader's command_topic {self.topic}?"
            ) from None
        while True:
            try:
                lines.append(self._replies.get(timeout=QUIET_S))
            except queue.Empty:
                return lines

    def next_counter(self, timeout: float) -> int:
        """One more than the counter of the last signed command the reader ran (it answers unsigned)."""
        for line in self.ask("config get command_counter", timeout):
            if line.startswith("command_counter="):
                return int(line.split("=", 1)[1]) + 1
        raise CommandError(
            "the reader did not say its command_counter; is its firmware one that takes signed commands?"
        )

    def ask_signed(self, secret: str, command: str, timeout: float, counter: int | None = None) -> list[str]:
        """Signs command with the next counter (or the one given) and returns the replies."""
        if counter is None:
            counter = self.next_counter(timeout)
        return self.ask(sign_command(secret, self.topic, counter, command), timeout)

    def close(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()
