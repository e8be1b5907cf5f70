"""`hanbench selftest`: test a board (or board after board with --loop) and keep its record; `report DIR`."""

import getpass
import socket
import sys
from pathlib import Path

import click
from rich.console import Console

from ..errors import BenchError
from .datafiles import BURST_PATH, LIMITS_PATH, load_burst, load_limits
from .display import show_unit
from .records import RecordStore
from .report import print_report
from .station import Station
from .unit import StationConfig

__all__ = ["selftest"]

QUIT = {"q", "quit", "exit"}


def _config(options: dict) -> StationConfig:
    dut = "cmd" if options["dut_cmd"] else options["dut"]
    if dut == "cmd" and not options["dut_cmd"]:
        raise click.UsageError("--dut cmd needs --dut-cmd 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'")
    if dut == "rig":
        missing = [flag for flag, key in (("--port", "han_port"), ("--console", "console_port"), ("--image", "image"),
                                          ("--lan-host", "lan_host")) if not options[key]]
        if missing:
            raise click.UsageError(f"--dut rig needs {', '.join(missing)} (the HAN UART, the console UART, "
                                   "the firmware image and this station's LAN address for the board's broker)")
    return StationConfig(
        record_dir=options["record_dir"], limits=load_limits(options["limits"]), burst=load_burst(options["burst"]),
        dut=dut, dut_cmd=options["dut_cmd"], han_port=options["han_port"], console_port=options["console_port"],
        image=options["image"], broker=options["broker"], lan_host=options["lan_host"],
        wifi_ssid=options["wifi_ssid"], wifi_password=options["wifi_password"],
        station_id=options["station_id"], operator=options["operator"], keep_going=options["keep_going"],
    )


def _next_serial(console: Console) -> str | None:
    """The next board's scanned serial number; None when the operator ends the run (q, or end of input)."""
    try:
        scanned = console.input("[bold]Next board: scan its label[/bold] (q to stop): ").strip()
    except EOFError:
        return None
    return None if scanned.lower() in QUIT else scanned.upper()


def _loop(station: Station, console: Console) -> None:
    tested = 0
    while (serial_number := _next_serial(console)) is not None:
        if not serial_number:
            continue
        show_unit(console, station.test_unit(serial_number))
        tested += 1
    console.print(f"{tested} unit(s) tested; records in {station.config.record_dir}")


@click.group("selftest", invoke_without_command=True)
@click.option("--dut", type=click.Choice(["host", "cmd", "rig"]), default="host", show_default=True,
              help="host: the firmware's host build; cmd: --dut-cmd; rig: a board on --port/--console")
@click.option("--dut-cmd", help="A reader's command: 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'")
@click.option("--port", "han_port", help="rig: the UART (or M-Bus emulator) wired to the board's HAN input")
@click.option("--console", "console_port", help="rig: the board's console UART (also esptool's port)")
@click.option("--image", type=click.Path(path_type=Path), help="rig: the firmware image esptool writes")
@click.option("--lan-host", help="rig: this station's LAN address, where the board reaches the broker")
@click.option("--broker", default="auto", show_default=True, help="auto, mosquitto, embedded or HOST:PORT")
@click.option("--record-dir", type=click.Path(path_type=Path), default=Path("selftest-records"), show_default=True)
@click.option("--serial-number", help="The scanned label of a single unit (--loop asks for each)")
@click.option("--loop", is_flag=True, help="Production run: prompt, scan, test, verdict, next board")
@click.option("--station-id", default=socket.gethostname(), show_default=True)
@click.option("--operator", default=getpass.getuser(), show_default=True)
@click.option("--wifi-ssid", default="hanbench-station", show_default=True, help="The WiFi the board is provisioned for")
@click.option("--wifi-password", default="", help="Its password (empty: an open network)")
@click.option("--limits", type=click.Path(path_type=Path), default=LIMITS_PATH, help="The limits file")
@click.option("--burst", type=click.Path(path_type=Path), default=BURST_PATH, help="The HAN burst file")
@click.option("--keep-going", is_flag=True, help="Run every phase after a failure (diagnosis), not stop at the first")
@click.pass_context
def selftest(context: click.Context, **options) -> None:
    """The manufacturing self-test: identify, flash, boot, provision, MQTT, HAN per make, temperature, bad FCS."""
    if context.invoked_subcommand is not None:
        return
    console = Console()
    try:
        station = Station(_config(options))
        for record in station.recover():
            console.print(f"[yellow]unit {record['unit']} was cut off ({record['failures'][0]['why']}); "
                          "recorded as INCOMPLETE[/yellow]")
        if options["loop"]:
            return _loop(station, console)
        record = station.test_unit(options["serial_number"] and options["serial_number"].upper())
    except BenchError as error:
        click.echo(f"hanbench selftest: {error}", err=True)
        sys.exit(2)
    show_unit(console, record)
    sys.exit(0 if record["outcome"] == "PASS" else 1)


@selftest.command("report")
@click.argument("record_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
def report(record_dir: Path) -> None:
    """Yield and failure Pareto of a record directory."""
    try:
        print_report(RecordStore(record_dir), Console())
    except BenchError as error:
        click.echo(f"hanbench selftest report: {error}", err=True)
        sys.exit(2)
