"""`hanbench run`: the whole loop against a reader, a progress bar, a verdict (exit 0 only on PASS)."""

import os
import shlex
import sys
import threading
import time
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from meter_profiles import ProfileError, bundled_profiles, get_profile, is_profile_path

from .broker import LanListener, lan_listener
from .dut import Dut, make_dut
from .errors import BenchError, BrokerError
from .meter import MeterRun
from .observer.adapters import adapter_names
from .run import Bench, LoopOptions, RunResult
from .run.parallel import RUNS_PER_CPU, run_load, run_side_by_side
from .run.runsets import NamedRun, load_set

__all__ = ["exit_status", "run"]

EXIT_FAIL, EXIT_BENCH_ERROR = 1, 2
# Brokers the bench starts itself, one per run on a port of its own: only with these may runs go side by side.
OWN_BROKERS = ("auto", "embedded", "mosquitto")
AS_FAST_AS_IT_GOES_S = 60.0


def _runs(meter: str, set_name: str | None, options: dict, loop: LoopOptions, dut: Dut) -> list[NamedRun]:
    """The runs asked for, every option and data file of each checked before anything starts."""
    meters = sorted(bundled_profiles()) if meter == "all" else [meter]
    # A run is named after its profile, also when --meter is a profile file's path.
    runs = (
        load_set(set_name) if set_name else [NamedRun(_run_name(name), {**options, "meter": name}) for name in meters]
    )
    for named in runs:
        _meter_run(named).check()
        checked = LoopOptions(
            **{**loop.__dict__, **{k: v for k, v in named.options.items() if k in LoopOptions.__dataclass_fields__}}
        ).check()
        dut.check_format(checked.output_format)
    return runs


def _run_name(meter: str) -> str:
    """A run's name: the profile's own, also when --meter names a profile file."""
    if not is_profile_path(meter):
        return meter
    try:
        return get_profile(meter).name
    except ProfileError as error:
        raise BenchError(str(error)) from None


def _meter_run(named: NamedRun) -> MeterRun:
    """What the meter of a run does, with the command's defaults for what the run leaves out."""
    run_fields = {k: v for k, v in named.options.items() if k in MeterRun.__dataclass_fields__ and v is not None}
    return MeterRun(
        **{
            **run_fields,
            "duration": str(run_fields.get("duration", "10min")),
            "warp": str(run_fields.get("warp", "60")),
        }
    )


def _workers(requested: int | None, dut: Dut, options: LoopOptions, runs: int) -> int:
    """How many runs go side by side: --workers, else RUNS_PER_CPU a CPU (as their loads allow); one for a board or a
    broker the runs would share."""
    alone = dut.one_at_a_time or options.lan is not None or options.broker not in OWN_BROKERS
    if alone and (requested or 1) > 1:
        raise BenchError(
            f"--workers {requested} runs readers side by side, each with a broker of its own: "
            "a board on a rig or a broker at HOST:PORT takes --workers 1"
        )
    wanted = 1 if alone else requested or RUNS_PER_CPU * _cpus()
    return max(1, min(wanted, runs))


@click.command("run")
@click.option("--meter", default="all", show_default=True, help="Meter profile (a name or a .toml file), or all.")
@click.option("--set", "set_name", help="A named set of runs from bench/data/runsets.toml (bench, matter).")
@click.option("--scenario", help="Readings scenario of the simulator.")
@click.option("--start", help="The meter's clock at the first frame, ISO 8601.")
@click.option("--duration", default="10min", show_default=True, help="Meter time to run: 90s, 10min, 1d.")
@click.option("--warp", default="60", show_default=True, help="Meter seconds per wall second, or max.")
@click.option("--faults", help="Fault plan of the simulator.")
@click.option(
    "--line",
    "line_kind",
    default="serial",
    show_default=True,
    help="The simulator's line: serial, mbus-sim (through the gateware in simulation), mbus (an emulator board).",
)
@click.option("--dut", "dut_kind", type=click.Choice(["host", "qemu", "cmd", "rig"]), default="host", show_default=True)
@click.option("--dut-cmd", help="Reader command: 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'.")
@click.option("--port", help="Rig: the USB UART wired to the board's HAN input.")
@click.option("--console", help="Rig: the board's console port (esptool's: its RTS/DTR reset the board).")
@click.option(
    "--flash", "image", type=click.Path(path_type=Path), help="Rig: write this firmware image to the board first."
)
@click.option("--connected", "connected_pattern", help="Regex of the DUT log line that says it reached the broker.")
@click.option("--broker", default="auto", show_default=True, help="auto, embedded, mosquitto or HOST:PORT.")
@click.option(
    "--lan-host", help="Rig: also listen on this LAN address for the board, with a user and password it prints."
)
@click.option(
    "--lan-credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rig: keep the board's port, user and password in this file (made 0600 on first use) across runs.",
)
@click.option(
    "--lan-tls", is_flag=True, help="Rig: the LAN listener speaks TLS with a CA made beside the credentials file."
)
@click.option("--format", "output_format", type=click.Choice(adapter_names()), default="classic", show_default=True)
@click.option("--topic", default="hanbench/reader", show_default=True, help="The reader's MQTT topic.")
@click.option("--latency-limit", type=float, default=1.0, show_default=True, help="Seconds from last byte to message.")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Most runs side by side, each with its own reader, broker, pty and folder, as the CPUs carry their loads "
    f"[default: {RUNS_PER_CPU} per CPU; 1 on a rig].",
)
@click.option("--meter-cmd", hidden=True, help="Run another simulator command (tests).")
def run(
    meter,
    set_name,
    scenario,
    start,
    duration,
    warp,
    faults,
    line_kind,
    dut_kind,
    dut_cmd,
    port,
    console,
    image,
    connected_pattern,
    broker,
    lan_host,
    lan_credentials,
    lan_tls,
    output_format,
    topic,
    latency_limit,
    report_dir,
    workers,
    meter_cmd,
) -> None:
    """Run the simulated meter into a reader and judge what it publishes on MQTT."""
    try:

        def new_dut() -> Dut:
            return make_dut(
                dut_kind,
                report_dir,
                dut_cmd,
                port,
                console,
                image=image,
                **({"connected_pattern": connected_pattern} if connected_pattern else {}),
            )

        dut = new_dut()
        lan = _lan(lan_host, lan_credentials, lan_tls, broker, report_dir)
        options = LoopOptions(
            broker=broker,
            lan=lan,
            output_format=output_format,
            topic=topic,
            latency_limit_s=latency_limit,
            meter_command=tuple(shlex.split(meter_cmd)) if meter_cmd else None,
        )
        bench = Bench(dut, report_dir, options)
        runs = _runs(
            meter,
            set_name,
            {
                "scenario": scenario,
                "start": start,
                "duration": duration,
                "warp": warp,
                "faults": faults,
                "line": line_kind,
            },
            options,
            dut,
        )
        duts = [dut] + [new_dut() for _ in range(_workers(workers, dut, options, len(runs)) - 1)]
        results = _run_all(bench, runs, duts)
    except BenchError as error:
        click.echo(f"hanbench run: {error}", err=True)
        sys.exit(EXIT_BENCH_ERROR)
    except Exception as error:  # a bench bug: one line here, the traceback in a file, never the reader's FAIL
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "bench-error.log").write_text(traceback.format_exc())
        click.echo(
            f"hanbench run: the bench itself failed ({type(error).__name__}: {error}); "
            f"traceback in {report_dir / 'bench-error.log'}",
            err=True,
        )
        sys.exit(EXIT_BENCH_ERROR)
    _verdict(results, report_dir)
    sys.exit(exit_status(results))


def exit_status(results: list[RunResult]) -> int:
    """0 when every run passed; 1 when a reader failed a check; 2 when only the bench itself lost frames."""
    if any(r.verdict.reader_failed for r in results):
        return EXIT_FAIL
    return EXIT_BENCH_ERROR if any(r.verdict.bench_problems for r in results) else 0


def _lan(host: str | None, credentials: Path | None, tls: bool, broker: str, report_dir: Path) -> LanListener | None:
    """The board's listener, its settings printed for the operator (the console only: no log, no argv)."""
    if host is None:
        if credentials or tls:
            raise BrokerError("--lan-credentials and --lan-tls go with --lan-host ADDRESS")
        return None
    if broker not in ("auto", "mosquitto"):
        raise BrokerError(
            f"a LAN listener for a board needs --broker mosquitto (apt-get install mosquitto), not {broker!r}"
        )
    lan = lan_listener(host, credentials, tls, tls_dir=report_dir / "lan-tls")
    click.echo(lan.board_settings())
    return lan


def _run_all(bench: Bench, runs: list[NamedRun], duts: list[Dut]) -> list[RunResult]:
    """One run after another with a progress bar each, or side by side with a line as each starts and ends."""
    if len(duts) == 1:
        return [_one(bench, named) for named in runs]
    for dut in duts:  # here, one at a time: the first compiles the host build, the others find it built
        dut.build()
    lines = _ProgressLines(len(runs), len(duts))
    return run_side_by_side(
        runs, duts, lambda named, dut: lines.run(bench, named, dut), _expected_wall_s, _load, float(_cpus())
    )


def _cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def _expected_wall_s(named: NamedRun) -> float:
    """About how long a run takes, to start the longest first (a run as fast as its line goes: a minute)."""
    wall = _meter_run(named).wall_seconds()
    return AS_FAST_AS_IT_GOES_S if wall is None else wall


def _load(named: NamedRun) -> float:
    """The share of a CPU the run keeps busy, so runs side by side never ask the CPUs for more than they have."""
    return run_load(_meter_run(named))


class _ProgressLines:
    """A line when a run starts and one when it ends, with how many are done: bars would mix when runs overlap."""

    def __init__(self, total: int, workers: int):
        self.total, self.done = total, 0
        self.console = Console(stderr=True, highlight=False)
        self._lock = threading.Lock()
        self.console.print(f"{total} runs, {workers} side by side")

    def run(self, bench: Bench, named: NamedRun, dut: Dut) -> RunResult:
        """One run on dut, announced as it starts and ends."""
        self.console.print(f"start {named.name}")
        began = time.monotonic()
        result = bench.run(name=named.name, dut=dut, **named.options)
        with self._lock:
            self.done += 1
            self.console.print(
                f"{_result_line(named, result)} ({time.monotonic() - began:.1f} s; {self.done} of {self.total} done)"
            )
        return result


def _one(bench: Bench, named: NamedRun) -> RunResult:
    console = Console(stderr=True)
    columns = (
        TextColumn(f"{named.name:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(named.name, total=None)
        result = bench.run(
            name=named.name,
            progress=lambda sent, total: bar.update(task, completed=sent, total=max(sent, total)),
            **named.options,
        )
    console.print(_result_line(named, result))
    return result


def _result_line(named: NamedRun, result: RunResult) -> str:
    mark = {"PASS": "[green]PASS[/]", "FAIL": "[red]FAIL[/]"}.get(result.verdict.status, "[yellow]BENCH-PROBLEM[/]")
    return (
        f"{mark} {named.name}: {result.verdict.frames} frames over {result.run.line}, latency p99 "
        f"{(result.verdict.latency.p99 or 0) * 1000:.1f} ms, report {result.run_dir / 'report.html'}"
    )


def _verdict(results: list[RunResult], report_dir: Path) -> None:
    console = Console()
    failed = [r for r in results if not r.passed]
    if failed:
        table = Table("run", "check", "count", "first failure", title="What failed")
        for result in failed:
            for check in result.verdict.checks:
                if not check.passed:
                    table.add_row(result.run_dir.name, check.name, str(len(check.failures)), check.failures[0].detail)
            for problem in result.verdict.bench_problems:
                table.add_row(result.run_dir.name, "the bench", "-", problem)
        console.print(table)
    verdict = {0: "[green]PASS[/]", EXIT_FAIL: "[red]FAIL[/]"}.get(exit_status(results), "[yellow]BENCH-PROBLEM[/]")
    console.print(
        f"{verdict}: {len(results) - len(failed)} of {len(results)} runs passed; JUnit in {report_dir / 'junit.xml'}"
    )
