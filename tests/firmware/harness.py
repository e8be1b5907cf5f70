"""Factories for the firmware tests: the host build, a mosquitto broker, a pty meter
line, an MQTT watcher and a running hanreader. Fixtures in conftest.py are thin
wrappers, so the same pieces serve scripts and benchmarks."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import time
import tty
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import paho.mqtt.client as mqtt

from bench.observer.adapters import CLASSIC_KEYS as BENCH_CLASSIC_KEYS
from firmware.tools.build_lock import locked
from meter_profiles import ENERGY_FIELDS

REPO = Path(__file__).resolve().parents[2]
FIRMWARE = REPO / "firmware"
CAPTURES = REPO / "captures"
# How many numbers under unknown OBIS codes the firmware keeps of a list (kMaxExtras in core/reading.h).
MAX_EXTRAS = int(re.findall(r"kMaxExtras = (\d+);", (FIRMWARE / "core" / "reading.h").read_text())[0])
MOSQUITTO = "/usr/sbin/mosquitto"

# The classic document's key for each canonical field (energies in kWh): the bench's table, turned round.
CLASSIC_KEYS = {field: key for key, field in BENCH_CLASSIC_KEYS.items()}


def build_firmware(variant: str) -> Path:
    """Configure and build the host firmware ('release' or 'asan'); returns the build folder."""
    build = FIRMWARE / ("build" if variant == "release" else f"build-{variant}")
    configure = ["cmake", "-S", str(FIRMWARE), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"]
    if variant == "asan":
        configure += ["-DHANREADER_SANITIZE=ON", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
    with locked(build):
        for command in (configure, ["cmake", "--build", str(build), "-j", str(os.cpu_count() or 2)]):
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(
                    f"firmware build failed: {' '.join(command)}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
                )
    return build


def found(pattern: str, text: str) -> re.Match[str]:
    """The first match of pattern in text; the test fails with the text's tail when there is none."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in:\n{text[-2000:]}"
    return match


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float, what: str) -> None:
    """Waits until something accepts on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{what} did not accept connections on 127.0.0.1:{port} within {timeout} s")


@dataclass
class Broker:
    """A mosquitto on an ephemeral loopback port, with a config of its own."""

    workdir: Path
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Broker:
        self.port = free_port()
        config = self.workdir / "mosquitto.conf"
        # max_queued_messages 0: no limit, so a burst of a whole capture is never dropped for a slow subscriber.
        config.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
        log = open(self.workdir / "mosquitto.log", "w")
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, 10, "mosquitto")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Message:
    topic: str
    payload: bytes
    retain: bool


class MqttWatcher:
    """Subscribes to a topic tree and queues what arrives, for tests to wait on."""

    def __init__(self, port: int, topic_filter: str):
        self.messages: queue.Queue[Message] = queue.Queue()
        self._subscribed: queue.Queue[bool] = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"watch-{uuid.uuid4().hex[:8]}")
        self.client.on_message = lambda _c, _u, msg: self.messages.put(
            Message(msg.topic, bytes(msg.payload), msg.retain)
        )
        self.client.on_subscribe = lambda *_args: self._subscribed.put(True)
        self.client.on_connect = lambda client, *_args: client.subscribe(topic_filter, qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self._subscribed.get(timeout=10)

    def next(self, timeout: float, waiting_for: str) -> Message:
        """The next message; fails saying what was awaited."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no MQTT message within {timeout} s while waiting for {waiting_for}") from None

    def drain(self, quiet: float) -> list[Message]:
        """Every message that arrives until the topic stays quiet for `quiet` seconds."""
        got = []
        while True:
            try:
                got.append(self.messages.get(timeout=quiet))
            except queue.Empty:
                return got

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class MeterLine:
    """A pty pair: the test writes meter bytes on the master; hanreader reads the slave."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view) :]

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@dataclass
class Reader:
    """A running hanreader process; its event log goes to a file in the test's folder."""

    binary: Path
    args: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict = field(default_factory=dict)

    def start(self, wait_for: str | None = "mqtt connected") -> Reader:
        env = dict(
            os.environ,
            ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
            UBSAN_OPTIONS="print_stacktrace=1",
            **self.extra_env,
        )
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(self.binary), *self.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env
        )
        if wait_for:
            self.wait_log(wait_for, 10)
        return self

    def _started(self) -> subprocess.Popen[bytes]:
        assert self.process is not None, "start() the reader first"
        return self.process

    def log_text(self) -> str:
        return self.log_path.read_text()

    def wait_log(self, needle: str, timeout: float, after: int = 0) -> None:
        """Waits for `needle` in the log (past offset `after`); fails with the log's tail and path."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text()[after:]:
                return
            if self._started().poll() is not None:
                break
            time.sleep(0.02)
        tail = "\n".join(self.log_text().splitlines()[-15:])
        raise AssertionError(f"hanreader log never said {needle!r} within {timeout} s ({self.log_path}):\n{tail}")

    def command(self, line: str, replies: int = 1, timeout: float = 5) -> list[str]:
        """Sends one console line; returns the next `replies` lines of stdout."""
        process = self._started()
        assert process.stdin is not None and process.stdout is not None, "the console is on pipes (start())"
        process.stdin.write(line.encode() + b"\n")
        process.stdin.flush()
        out: list[str] = []
        deadline = time.monotonic() + timeout
        while len(out) < replies and time.monotonic() < deadline:
            out.append(process.stdout.readline().decode().rstrip("\n"))
        return out

    def stop(self) -> int:
        """Stops hanreader; returns its exit code (sanitizer reports make it non-zero)."""
        process = self._started()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._log.close()
        return process.returncode


# The reader's last line of a start: its config loaded and its serial line set.
APPLIED = "settings applied:"
# Milliseconds on an idle core; the limit only stops a reader that hangs, so it holds under two busy workers.
STARTED_WITHIN_S = 30.0


class Started(NamedTuple):
    """How a reader run ended: its exit status (None: still running when stopped) and all it printed."""

    returncode: int | None
    stdout: str
    stderr: str


def run_until_started(argv: list[str], log_path: Path) -> tuple[Started, float]:
    """Run a reader until it exits or logs its settings applied, then stop it: its result (returncode None when it
    was still running), stdout and stderr together, and the time taken. A reader that hangs does neither."""
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = started + STARTED_WITHIN_S
    while process.poll() is None and APPLIED not in log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    took, code = time.monotonic() - started, process.poll()
    if code is None:
        process.terminate()
        process.wait(5)
    output = log_path.read_text()
    return Started(code, output, output), took


def capture_frames(name: str) -> list[bytes]:
    """The frames of one capture file in captures/, in order."""
    frames = []
    for line in (CAPTURES / name).read_text().splitlines():
        if line and not line.startswith("#"):
            frames.append(bytes.fromhex(line.split("\t")[-1]))
    return frames


def expected_document(reading: dict) -> dict:
    """The classic document's data that a canonical reading should publish."""
    data = {}
    for name, value in reading.items():
        if name not in CLASSIC_KEYS:
            continue
        if name in ENERGY_FIELDS:
            value = value / 1000
        if name == "meter_time":
            value = value[:19]  # the wall clock as sent; a zone suffix is not part of it
        data[CLASSIC_KEYS[name]] = value
    numbers = [(code, value) for code, value in reading.get("extra", {}).items() if _is_number(value)]
    if numbers:
        data["extra"] = dict(numbers[:MAX_EXTRAS])  # the first ones in list order, as the firmware keeps them
    return data


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class Rig:
    """One reader under test: a meter line into it, a broker out of it, a watcher on its topic."""

    line: MeterLine
    reader: Reader
    watcher: MqttWatcher
    topic: str

    def publishes(self, frame: bytes, waiting_for: str, timeout: float = 5) -> dict:
        """Writes one frame and returns the data of the classic document it published."""
        self.line.write(frame)
        return self.next_document(waiting_for, timeout)

    def next_document(self, waiting_for: str, timeout: float = 5) -> dict:
        import json

        message = self.watcher.next(timeout, waiting_for)
        assert message.topic == self.topic, f"expected a message on {self.topic}, got one on {message.topic}"
        return json.loads(message.payload)

    def close(self) -> int:
        code = self.reader.stop()
        self.watcher.stop()
        self.line.close()
        return code


def start_rig(build: Path, broker: Broker, workdir: Path, *extra: str, wait_for: str | None = "mqtt connected") -> Rig:
    """Starts hanreader on a fresh pty with its own topic, and a watcher on that topic."""
    topic = f"hanbench/{uuid.uuid4().hex[:10]}"
    line = MeterLine()
    watcher = MqttWatcher(broker.port, f"{topic}/#")
    watcher.client.subscribe(topic, qos=1)
    args = [
        "--tty",
        line.path,
        "--serial",
        "8E1",
        "--mqtt-host",
        "127.0.0.1",
        "--mqtt-port",
        str(broker.port),
        "--topic",
        topic,
        *extra,
    ]
    reader = Reader(build / "hanreader", args, workdir / "hanreader.log").start(wait_for)
    return Rig(line, reader, watcher, topic)
