"""What the operator sees: the unit's measurements, and the verdict in letters readable across the room."""

import pyfiglet
from rich.align import Align
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

__all__ = ["show_unit", "verdict_style"]

STYLES = {
    "PASS": "bold white on green",
    "FAIL": "bold white on red",
    "ERROR": "bold white on magenta",
    "INCOMPLETE": "bold black on yellow",
}
MEASUREMENT_STYLES = {"PASS": "green", "FAIL": "red", "UNSET": "red", "SKIPPED": "dim"}


def verdict_style(record: dict) -> str:
    """The verdict's colours: green, red, magenta for a station error; a marginal pass is yellow."""
    if record["outcome"] == "PASS" and record.get("marginal"):
        return "bold black on yellow"
    return STYLES.get(record["outcome"], "bold white on red")


def _value(measurement: dict) -> str:
    value = measurement["value"]
    if value is None:
        return measurement.get("why") or "-"
    return f"{value} {measurement['units']}" if measurement.get("units") not in (None, "1") else str(value)


def measurements_table(record: dict) -> Table:
    """Every measurement of the unit: phase, value with its unit, limits, outcome (a marginal one flagged)."""
    table = Table(title=f"unit {record['unit']}", show_lines=False)
    for column in ("phase", "measurement", "value", "limits", "outcome"):
        table.add_column(column)
    for phase in record.get("phases", []):
        for m in phase["measurements"]:
            outcome = m["outcome"] + (" (marginal)" if m.get("marginal") else "")
            style = "yellow" if m.get("marginal") else MEASUREMENT_STYLES.get(m["outcome"], "red")
            table.add_row(phase["name"], m["name"], _value(m), m["limits"], Text(outcome, style=style))
    return table


def show_unit(console: Console, record: dict) -> None:
    """Print the unit's measurements and its verdict in large coloured letters."""
    console.print(measurements_table(record))
    for failure in record.get("failures", []):
        what = f"{failure['phase']}: {failure['measurement']}" if failure.get("measurement") else failure["phase"]
        console.print(f"[red]failed[/red] {what}" + (f" ({failure['why']})" if failure.get("why") else ""))
    word = record["outcome"] + ("  MARGINAL" if record["outcome"] == "PASS" and record.get("marginal") else "")
    letters = pyfiglet.figlet_format(word, font="banner3", width=200).rstrip("\n")
    identity = record.get("serial_number") or record.get("board_id") or record["unit"]
    console.print(
        Panel(
            Align.center(Text(letters, style=verdict_style(record), no_wrap=True)),
            title=str(identity),
            subtitle=record["unit"],
            style=verdict_style(record),
        )
    )
