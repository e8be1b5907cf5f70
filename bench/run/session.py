"""One run of the whole loop: broker, observer, line, reader, meter; then the judgement and the reports.

The order matters: the broker and the observer come first, then the line and
the reader, and the meter starts only once the reader says it is connected,
so every frame has a listener. Restarts in the middle of a run (the reader's
or the broker's) are recorded as excuses: the frames a correct reader cannot
publish while it or its broker is down are reported, not failed.
"""

import json
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import orjson

from ..broker import BrokerServer, ExternalBroker, LanListener, make_broker
from ..check import Excuse, Verdict, judge, read_sent_log
from ..dut import Dut, Wiring
from ..errors import MeterError, RunOptionError
from ..line import PortLine, PtyLine
from ..meter import SIMULATOR_CMD, MeterRun, SimulatorMeter
from ..observer import Observer, read_messages
from ..observer.adapters import Publication, adapter_names, publications
from .benchfaults import bench_faults
from .outcome import RunResult

__all__ = ["LoopOptions", "run_loop"]

# After a restart a reader reconnects with back-off; what it cannot publish meanwhile is excused.
RECONNECT_GRACE_S = 6.0
# After the meter ends, the last frame's message has until its latency limit to come; messages still on their
# way after that (a broker's queue) are waited for until none has come for QUIET_S, and at most DRAIN_MAX_S: a late
# message is judged late, not missing. QUIET_S is a few of the observer's flushes (every 0.2 s).
QUIET_S = 0.5
DRAIN_MAX_S = 60.0
# The sent log's tail read for its last frame: a line is some 300 bytes, a warped day's log tens of megabytes.
TAIL_BYTES = 8192
PartT = TypeVar("PartT")


@dataclass
class LoopOptions:
    """How the loop runs around the meter: broker, output format, limits, restarts in the middle."""

    broker: str = "auto"
    lan: LanListener | None = None  # a listener for a board on the rig (its login kept or made for this run)
    output_format: str = "classic"
    topic: str = "hanbench/reader"
    latency_limit_s: float = 1.0
    restart_reader_at: float | None = None
    restart_broker_at: float | None = None
    meter_command: tuple[str, ...] | None = None
    connect_timeout_s: float = 20.0

    def check(self) -> "LoopOptions":
        """Every number within its range (NaN and infinity are not), before anything starts."""
        for name, (low, high) in OPTION_RANGES.items():
            check_option(FLAGS.get(name, name), getattr(self, name), low, high)
        if self.output_format not in adapter_names():
            raise RunOptionError(f"--format must be one of {', '.join(adapter_names())}, not {self.output_format!r}")
        return self


# What each number of a run may be: a restart at a fraction of the run, a latency limit up to ten minutes.
OPTION_RANGES = {
    "restart_reader_at": (0.0, 1.0),
    "restart_broker_at": (0.0, 1.0),
    "latency_limit_s": (0.001, 600.0),
    "connect_timeout_s": (0.1, 3600.0),
}
FLAGS = {"latency_limit_s": "--latency-limit"}


def check_option(what: str, value, low: float, high: float) -> None:
    """A RunOptionError naming what, unless value is None or a finite number from low to high."""
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise RunOptionError(f"{what} must be a number from {low:g} to {high:g}, not {value!r}")


@dataclass
class _Parts:
    dut: Dut
    broker: BrokerServer | ExternalBroker | None = None
    observer: Observer | None = None
    line: PortLine | PtyLine | None = None
    meter: SimulatorMeter | None = None
    excuses: list[Excuse] = field(default_factory=list)


def run_loop(
    run: MeterRun,
    dut: Dut,
    run_dir: Path,
    options: LoopOptions,
    progress: Callable[[int, int], None] = lambda sent, total: None,
) -> RunResult:
    """Run the meter into the reader and judge what it published; the run folder holds every log."""
    run_dir = Path(run_dir)
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    parts = _Parts(dut=dut)
    try:
        _bring_up(run, parts, run_dir, options)
        _drive(run, parts, options, progress)
    finally:
        _tear_down(parts)
    return _judge(run, parts, run_dir, options)


def _bring_up(run: MeterRun, parts: _Parts, run_dir: Path, options: LoopOptions) -> None:
    rig_port = getattr(parts.dut, "han_port", None)
    if run.line == "mbus" and not rig_port:
        # The board drives the reader's HAN input itself; a reader on the bench's pty would hear nothing.
        raise MeterError(
            "--line mbus drives an emulator board wired to the reader: use --dut rig --port <the board's host link>"
        )
    parts.broker = broker = make_broker(options.broker, run_dir, options.lan)
    endpoint = broker.start()
    parts.observer = observer = Observer(endpoint, run_dir)
    observer.start()
    parts.line = line = PortLine(rig_port) if rig_port else PtyLine(run_dir)
    line.open()
    if line.reader_port is None or line.meter_port is None:
        raise MeterError(f"the line in {run_dir} opened without both its ports (see line.log there)")
    if parts.dut.state == "new":
        parts.dut.build()
    parts.dut.relocate(run_dir)
    wiring = Wiring(
        line.reader_port,
        run.profile.serial.name,
        endpoint,
        options.topic,
        run.profile.name,
        options.output_format,
    )
    parts.dut.start(wiring)
    parts.dut.wait_connected(options.connect_timeout_s)
    parts.meter = SimulatorMeter(run, line.meter_port, run_dir, options.meter_command or SIMULATOR_CMD)


def _drive(run: MeterRun, parts: _Parts, options: LoopOptions, progress: Callable[[int, int], None]) -> None:
    meter, observer = _up(parts.meter, "meter"), _up(parts.observer, "observer")
    total = run.expected_frames()
    restarts = sorted(
        (at, what)
        for at, what in ((options.restart_reader_at, "reader"), (options.restart_broker_at, "broker"))
        if at is not None
    )
    meter.start()
    while meter.running():
        sent = meter.frames_sent()
        progress(sent, total)
        while restarts and sent >= restarts[0][0] * total:
            _restart(parts, restarts.pop(0)[1], options)
        time.sleep(0.1)
    wall = run.wall_seconds()
    meter.finish(timeout=60.0 if wall is None else wall + 60.0)
    progress(meter.frames_sent(), meter.frames_sent())
    _wait_until_quiet(observer.messages_path, _last_frame_end(meter.sent_log) + options.latency_limit_s)


def _last_frame_end(sent_log: Path) -> float:
    """The monotonic instant the last frame's last byte left (now, when the log holds no whole line)."""
    try:
        with open(sent_log, "rb") as handle:
            handle.seek(max(0, handle.seek(0, 2) - TAIL_BYTES))
            lines = handle.read().splitlines()
        return float(orjson.loads(lines[-1])["end_mono"])
    except (OSError, IndexError, KeyError, TypeError, ValueError):
        return time.monotonic()


def _wait_until_quiet(path: Path, on_time_until: float) -> None:
    """Wait until every message on time has come (on_time_until), then until the observer's file stops growing."""
    time.sleep(max(0.0, on_time_until - time.monotonic()))
    deadline = time.monotonic() + DRAIN_MAX_S
    size, still_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_size = path.stat().st_size if path.exists() else 0
        if now_size != size:
            size, still_since = now_size, time.monotonic()
        elif time.monotonic() - still_since >= QUIET_S:
            return
        time.sleep(0.1)


def _restart(parts: _Parts, what: str, options: LoopOptions) -> None:
    start = time.monotonic()
    if what == "broker":
        if parts.broker is None:
            raise MeterError("the run's broker never came up")
        parts.broker.restart()
        reason = "the broker restarted"
    else:
        parts.dut.restart()
        parts.dut.wait_connected(options.connect_timeout_s)
        reason = "the reader restarted"
    # Provisional end: _judge shortens it to the reader's first publication after the restart.
    parts.excuses.append(Excuse(start, time.monotonic(), reason))


def _up(part: PartT | None, what: str) -> PartT:
    """A part of the run that _bring_up made: nothing drives or judges a run that did not come up."""
    if part is None:
        raise MeterError(f"the run's {what} never came up")
    return part


def _until_recovered(excuse: Excuse, found: list[Publication], latency_limit_s: float) -> Excuse:
    """An outage lasts until the reader publishes again, and no longer than the reconnect grace."""
    back = next((p.t for p in found if p.t > excuse.end), excuse.end + RECONNECT_GRACE_S)
    # A message still on its way when the broker or reader went down is lost with it.
    return Excuse(excuse.start - latency_limit_s, min(back, excuse.end + RECONNECT_GRACE_S), excuse.reason)


def _tear_down(parts: _Parts) -> None:
    for stop in (
        parts.meter and parts.meter.stop,
        parts.dut and parts.dut.stop,
        parts.observer and parts.observer.stop,
        parts.broker and parts.broker.stop,
        parts.line and parts.line.close,
    ):
        if stop:
            stop()


def _judge(run: MeterRun, parts: _Parts, run_dir: Path, options: LoopOptions) -> RunResult:
    meter, observer = _up(parts.meter, "meter"), _up(parts.observer, "observer")
    frames = read_sent_log(meter.sent_log)
    found = publications(options.output_format, options.topic, read_messages(observer.messages_path))
    parts.excuses = [_until_recovered(excuse, found, options.latency_limit_s) for excuse in parts.excuses]
    faults = bench_faults(run_dir, observer.outages(), frames, parts.excuses, options.latency_limit_s)
    verdict: Verdict = judge(frames, found, options.latency_limit_s, parts.excuses, faults)
    (run_dir / "excuses.json").write_text(json.dumps([e.__dict__ for e in parts.excuses]))
    return RunResult(run, verdict, run_dir, parts.dut.log_path, frames, found, parts.excuses)
