"""What `hanbench selftest` does with its options: a station configured, one unit or a production loop."""

from pathlib import Path

import click
from rich.console import Console

from .datafiles import BURST_PATH, LIMITS_PATH, load_burst, load_limits
from .display import show_unit
from .errors import LimitsError
from .station import Station
from .unit import StationConfig

__all__ = ["make_config", "run_station"]

QUIT = {"q", "quit", "exit"}
RIG_NEEDS = (("--port", "han_port"), ("--console", "console_port"), ("--image", "image"), ("--lan-host", "lan_host"))


def make_config(options: dict) -> StationConfig:
    """The station's configuration from the command's options (a UsageError naming what a rig lacks)."""
    dut = "cmd" if options["dut_cmd"] else options["dut"]
    if dut == "cmd" and not options["dut_cmd"]:
        raise click.UsageError("--dut cmd needs --dut-cmd 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'")
    missing = [flag for flag, key in RIG_NEEDS if not options[key]] if dut == "rig" else []
    if missing:
        raise click.UsageError(
            f"--dut rig needs {', '.join(missing)} (the HAN UART, the console UART, "
            "the firmware image and this station's LAN address for the board's broker)"
        )
    return StationConfig(
        record_dir=Path(options["record_dir"]),
        limits=load_limits(options["limits"] or LIMITS_PATH),
        burst=load_burst(options["burst"] or BURST_PATH),
        dut=dut,
        dut_cmd=options["dut_cmd"],
        han_port=options["han_port"],
        console_port=options["console_port"],
        image=options["image"],
        broker=options["broker"],
        lan_host=options["lan_host"],
        wifi_ssid=options["wifi_ssid"],
        wifi_password=options["wifi_password"],
        station_id=options["station_id"],
        operator=options["operator"],
        keep_going=options["keep_going"],
        records=options["records"],
    )


def _next_serial(console: Console) -> str | None:
    """The next board's scanned serial number; None when the operator ends the run (q, or end of input)."""
    try:
        scanned = console.input("[bold]Next board: scan its label[/bold] (q to stop): ").strip()
    except EOFError:
        return None
    return None if scanned.lower() in QUIT else scanned.upper()


def _loop(station: Station, console: Console) -> int:
    tested = 0
    while (serial_number := _next_serial(console)) is not None:
        if not serial_number:
            continue
        try:
            record = station.test_unit(serial_number)
        except LimitsError as error:  # a misread label: say so and ask again, the line goes on
            console.print(f"[red]{error}[/red]")
            continue
        show_unit(console, record)
        tested += 1
    console.print(f"{tested} unit(s) tested; records in {station.config.record_dir}")
    return 0


def run_station(options: dict, console: Console) -> int:
    """Recover cut-off units, then test one unit (exit 0 only on PASS) or loop board after board (exit 0)."""
    station = Station(make_config(options))
    for record in station.recover():
        console.print(
            f"[yellow]unit {record['unit']} was cut off ({record['failures'][0]['why']}); "
            "recorded as INCOMPLETE[/yellow]"
        )
    if options["loop"]:
        return _loop(station, console)
    serial_number = options["serial_number"]
    record = station.test_unit(serial_number.upper() if serial_number else None)
    show_unit(console, record)
    return 0 if record["outcome"] == "PASS" else 1
