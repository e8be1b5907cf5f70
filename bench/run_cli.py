"""`hanbench run`: the whole loop against a reader, a progress bar, a verdict (exit 0 only on PASS)."""

import shlex
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from meter_profiles import ProfileError, bundled_profiles, get_profile, is_profile_path

from .dut import make_dut
from .errors import BenchError
from .observer.adapters import adapter_names
from .meter import MeterRun
from .run import Bench, LoopOptions, RunResult
from .run.scenarios import NamedRun, load_set

__all__ = ["run"]

EXIT_FAIL, EXIT_BENCH_ERROR = 1, 2


def _runs(meter: str, set_name: str | None, options: dict) -> list[NamedRun]:
    """The runs asked for, each meter checked before anything starts."""
    meters = sorted(bundled_profiles()) if meter == "all" else [meter]
    # A run is named after its profile, also when --meter is a profile file's path.
    runs = load_set(set_name) if set_name else [NamedRun(_run_name(name), {**options, "meter": name}) for name in meters]
    for named in runs:
        MeterRun(named.options["meter"], line=named.options.get("line") or "serial").profile
    return runs


def _run_name(meter: str) -> str:
    if not is_profile_path(meter):
        return meter
    try:
        return get_profile(meter).name
    except ProfileError as error:
        raise BenchError(str(error)) from None


@click.command("run")
@click.option("--meter", default="all", show_default=True, help="Meter profile (a name or a .toml file), or all.")
@click.option("--set", "set_name", help="A named set of runs from bench/data/scenarios.toml (bench, matter).")
@click.option("--scenario", help="Readings scenario of the simulator.")
@click.option("--start", help="The meter's clock at the first frame, ISO 8601.")
@click.option("--duration", default="10min", show_default=True, help="Meter time to run: 90s, 10min, 1d.")
@click.option("--warp", default="60", show_default=True, help="Meter seconds per wall second, or max.")
@click.option("--faults", help="Fault plan of the simulator.")
@click.option("--line", "line_kind", default="serial", show_default=True,
              help="The simulator's line: serial, mbus-sim (through the gateware in simulation), mbus (an emulator board).")
@click.option("--dut", "dut_kind", type=click.Choice(["host", "cmd", "rig"]), default="host", show_default=True)
@click.option("--dut-cmd", help="Reader command: 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'.")
@click.option("--port", help="Rig: the USB UART wired to the board's HAN input.")
@click.option("--console", help="Rig: the board's console port.")
@click.option("--connected", "connected_pattern", help="Regex of the DUT log line that says it reached the broker.")
@click.option("--broker", default="auto", show_default=True, help="auto, embedded, mosquitto or HOST:PORT.")
@click.option("--lan-host", help="Rig: listen on this LAN address with a generated user and password.")
@click.option("--format", "output_format", type=click.Choice(adapter_names()), default="classic", show_default=True)
@click.option("--topic", default="hanbench/reader", show_default=True, help="The reader's MQTT topic.")
@click.option("--latency-limit", type=float, default=1.0, show_default=True, help="Seconds from last byte to message.")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True)
@click.option("--meter-cmd", hidden=True, help="Run another simulator command (tests).")
def run(meter, set_name, scenario, start, duration, warp, faults, line_kind, dut_kind, dut_cmd, port, console, connected_pattern,
        broker, lan_host, output_format, topic, latency_limit, report_dir, meter_cmd) -> None:
    """Run the simulated meter into a reader and judge what it publishes on MQTT."""
    try:
        dut = make_dut(dut_kind, report_dir, dut_cmd, port, console, **({"connected_pattern": connected_pattern} if connected_pattern else {}))
        options = LoopOptions(broker=broker, lan_host=lan_host, output_format=output_format, topic=topic,
                              latency_limit_s=latency_limit, meter_command=tuple(shlex.split(meter_cmd)) if meter_cmd else None)
        bench = Bench(dut, report_dir, options)
        runs = _runs(meter, set_name, {"scenario": scenario, "start": start, "duration": duration, "warp": warp, "faults": faults,
                                                "line": line_kind})
        results = [_one(bench, named) for named in runs]
    except BenchError as error:
        click.echo(f"hanbench run: {error}", err=True)
        sys.exit(EXIT_BENCH_ERROR)
    _verdict(results, report_dir)
    sys.exit(0 if all(r.passed for r in results) else EXIT_FAIL)


def _one(bench: Bench, named: NamedRun) -> RunResult:
    console = Console(stderr=True)
    columns = (TextColumn(f"{named.name:<28}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(named.name, total=None)
        result = bench.run(name=named.name, progress=lambda sent, total: bar.update(task, completed=sent, total=max(sent, total)),
                           **named.options)
    mark = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"
    console.print(f"{mark} {named.name}: {result.verdict.frames} frames over {result.run.line}, latency p99 "
                  f"{(result.verdict.latency.p99 or 0) * 1000:.1f} ms, report {result.run_dir / 'report.html'}")
    return result


def _verdict(results: list[RunResult], report_dir: Path) -> None:
    console = Console()
    failed = [r for r in results if not r.passed]
    if failed:
        table = Table("run", "check", "count", "first failure", title="What failed")
        for result in failed:
            for check in result.verdict.checks:
                if not check.passed:
                    table.add_row(result.run_dir.name, check.name, str(len(check.failures)), check.failures[0].detail)
        console.print(table)
    verdict = "[red]FAIL[/]" if failed else "[green]PASS[/]"
    console.print(f"{verdict}: {len(results) - len(failed)} of {len(results)} runs passed; JUnit in {report_dir / 'junit.xml'}")
