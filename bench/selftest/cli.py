"""`hanbench selftest`: test a board (or board after board with --loop) and keep its record; `report DIR`."""

import getpass
import socket
import sys
from pathlib import Path

import click
from rich.console import Console

from ..errors import BenchError
from .record_store import RecordStore, default_url
from .report import print_report

__all__ = ["selftest"]


@click.group("selftest", invoke_without_command=True)
@click.option(
    "--dut",
    type=click.Choice(["host", "qemu", "cmd", "rig"]),
    default="host",
    show_default=True,
    help="host: the firmware's host build; qemu: its lx106 image emulated; cmd: --dut-cmd; rig: a board",
)
@click.option("--dut-cmd", help="A reader's command: 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'")
@click.option("--port", "han_port", help="rig: the UART (or M-Bus emulator) wired to the board's HAN input")
@click.option("--console", "console_port", help="rig: the board's console UART (also esptool's port)")
@click.option("--image", type=click.Path(path_type=Path), help="rig: the firmware image esptool writes")
@click.option("--lan-host", help="rig: this station's LAN address, where the board reaches the broker")
@click.option("--broker", default="auto", show_default=True, help="auto, mosquitto, embedded or HOST:PORT")
@click.option("--record-dir", type=click.Path(path_type=Path), default=Path("selftest-records"), show_default=True)
@click.option(
    "--records",
    help="The record database: sqlite:///PATH or postgresql://USER@HOST/DB (password in "
    "~/.pgpass)  [default: records.sqlite in --record-dir]",
)
@click.option("--serial-number", help="The scanned label of a single unit (--loop asks for each)")
@click.option("--loop", is_flag=True, help="Production run: prompt, scan, test, verdict, next board")
@click.option("--station-id", default=socket.gethostname(), show_default=True)
@click.option("--operator", default=getpass.getuser(), show_default=True)
@click.option(
    "--wifi-ssid", default="hanbench-station", show_default=True, help="The WiFi the board is provisioned for"
)
@click.option("--wifi-password", default="", help="Its password (empty: an open network)")
@click.option("--limits", type=click.Path(path_type=Path), help="The limits file  [default: the station's limits.toml]")
@click.option(
    "--burst", type=click.Path(path_type=Path), help="The HAN burst file  [default: the station's burst.toml]"
)
@click.option("--keep-going", is_flag=True, help="Run every phase after a failure (diagnosis), not stop at the first")
@click.pass_context
def selftest(context: click.Context, **options) -> None:
    """The manufacturing self-test: identify, flash, boot, provision, MQTT, HAN per make, temperature, bad FCS."""
    if context.invoked_subcommand is not None:
        return
    try:
        from .app import run_station  # OpenHTF and the station load only when a unit is tested
    except ImportError as error:
        raise click.ClickException(
            f"the self-test station needs {error.name}: pip install 'hanbench[station]'"
        ) from None
    try:
        status = run_station(options, Console())
    except BenchError as error:
        click.echo(f"hanbench selftest: {error}", err=True)
        sys.exit(2)
    sys.exit(status)


@selftest.command("report")
@click.argument("record_dir", type=click.Path(path_type=Path, exists=True, file_okay=False), required=False)
@click.option(
    "--records", help="The record database (sqlite:///PATH or postgresql://USER@HOST/DB) instead of RECORD_DIR's"
)
def report(record_dir: Path | None, records: str | None) -> None:
    """Units, tests, retests, yield, first-pass yield and the failure Pareto of a record database."""
    if not (record_dir or records):
        raise click.UsageError("give a RECORD_DIR or --records URL")
    try:
        url = records or default_url(record_dir or Path("."))  # one of the two is given (checked above)
        print_report(RecordStore(url, record_dir or Path(".")).connect(), Console())
    except BenchError as error:
        click.echo(f"hanbench selftest report: {error}", err=True)
        sys.exit(2)
