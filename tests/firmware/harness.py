"""Factories for the firmware tests: the host build, a mosquitto broker, a pty meter
line, an MQTT watcher and a running hanreader. Fixtures in conftest.py are thin
wrappers, so the same pieces serve scripts and benchmarks."""

from __future__ import annotations

import fcntl
import os
import queue
import socket
import subprocess
import time
import tomllib
import tty
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt

from bench.dut import qemu as qemu_dut
from bench.observer.adapters import CLASSIC_KEYS as BENCH_CLASSIC_KEYS
from meter_profiles import ENERGY_FIELDS

REPO = Path(__file__).resolve().parents[2]
FIRMWARE = REPO / "firmware"
CAPTURES = REPO / "captures"
MOSQUITTO = "/usr/sbin/mosquitto"

# The classic document's key for each canonical field (energies in kWh): the bench's table, turned round.
CLASSIC_KEYS = {field: key for key, field in BENCH_CLASSIC_KEYS.items()}


@contextmanager
def locked(build: Path):
    """Holds an exclusive lock on a build folder for the duration.

    Session fixtures run once per pytest-xdist worker, so under `-n 2` two workers
    would run cmake and make in the same folder at once and one of them would link
    while the other rewrites the objects. The lock makes the second one wait, and
    find the build up to date.
    """
    build.mkdir(parents=True, exist_ok=True)
    with open(build / "hanbench-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
        log = open(self.workdir / "mosquitto.log", "w")  # noqa: SIM115 (open for the broker's whole life)
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
        self._subscribed = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"watch-{uuid.uuid4().hex[:8]}")
        self.client.on_message = lambda _c, _u, msg: self.messages.put(Message(msg.topic, msg.payload, msg.retain))
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
    process: subprocess.Popen | None = None
    extra_env: dict = field(default_factory=dict)

    def start(self, wait_for: str | None = "mqtt connected") -> Reader:
        env = dict(
            os.environ,
            ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
            UBSAN_OPTIONS="print_stacktrace=1",
            **self.extra_env,
        )
        self._log = open(self.log_path, "w")  # noqa: SIM115 (open for the reader's whole life)
        self.process = subprocess.Popen(
            [str(self.binary), *self.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env
        )
        if wait_for:
            self.wait_log(wait_for, 10)
        return self

    def log_text(self) -> str:
        return self.log_path.read_text()

    def wait_log(self, needle: str, timeout: float, after: int = 0) -> None:
        """Waits for `needle` in the log (past offset `after`); fails with the log's tail and path."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text()[after:]:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        tail = "\n".join(self.log_text().splitlines()[-15:])
        raise AssertionError(f"hanreader log never said {needle!r} within {timeout} s ({self.log_path}):\n{tail}")

    def command(self, line: str, replies: int = 1, timeout: float = 5) -> list[str]:
        """Sends one console line; returns the next `replies` lines of stdout."""
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < replies and time.monotonic() < deadline:
            out.append(self.process.stdout.readline().decode().rstrip("\n"))
        return out

    def stop(self) -> int:
        """Stops hanreader; returns its exit code (sanitizer reports make it non-zero)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


# The reader's last line of a start: its config loaded and its serial line set.
APPLIED = "settings applied:"
# Milliseconds on an idle core; the limit only stops a reader that hangs, so it holds under two busy workers.
STARTED_WITHIN_S = 30.0


def run_until_started(argv: list[str], log_path: Path) -> tuple[subprocess.CompletedProcess, float]:
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
    return subprocess.CompletedProcess(argv, code, output, output), took


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
    return data


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


def build_lx106() -> Path:
    """Configure and build the emulated lx106 board's images; returns the folder holding them."""
    with locked(qemu_dut.BUILD):
        qemu_dut.build_lx106(qemu_dut.BUILD / "build.log")
    return qemu_dut.BUILD / "lx106"


def write_every_frame(path: Path) -> int:
    """Every captured frame (the meters' logs, then the reference frames) as one capture file; how many."""
    lines = [
        line
        for log in sorted((REPO / "captures").glob("*.log"))
        for line in log.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    reference = tomllib.loads((REPO / "captures" / "reference-frames.toml").read_text())
    lines += [entry["hex"] for entry in reference.values()]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)
