"""`hanbench selftest report`: the yield of a record database, its retests and the Pareto of its failures."""

from collections import Counter

from rich.console import Console
from rich.table import Table

from .database import describe
from .record_store import RecordStore, first_failure, summarise

__all__ = ["directory_report", "print_report"]


def _identity(record: dict) -> str:
    """A board is its serial number (or chip id); a retest is another test of the same board."""
    return record.get("serial_number") or record.get("board_id") or record["unit"]


def _first_pass_yield(records: list[dict]) -> float | None:
    """Of the boards, by serial number (or board id), how many passed at their first test."""
    first: dict[str, str] = {}
    for record in records:
        first.setdefault(_identity(record), record["outcome"])
    return round(sum(1 for outcome in first.values() if outcome == "PASS") / len(first), 4) if first else None


def directory_report(store: RecordStore) -> dict:
    """The database's figures: every kept record counted, boards apart from retests, and the units still in progress."""
    records = list(store.records())
    summary = summarise(
        [{"outcome": r["outcome"], "marginal": r.get("marginal"), "failure": first_failure(r)} for r in records]
    )
    boards = len({_identity(r) for r in records})
    return {
        **summary,
        "boards": boards,
        "retests": len(records) - boards,
        "first_pass_yield": _first_pass_yield(records),
        "in_progress": store.in_progress(),
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def print_report(store: RecordStore, console: Console) -> dict:
    """Print the yield table and the failure Pareto; the figures."""
    figures = directory_report(store)
    table = Table(title=f"self-test records in {describe(store.url)}")
    table.add_column("tests", justify="right")
    table.add_column("boards", justify="right")
    table.add_column("retests", justify="right")
    for outcome in ("PASS", "FAIL", "ERROR", "INCOMPLETE"):
        table.add_column(outcome, justify="right")
    table.add_column("marginal", justify="right")
    table.add_column("yield", justify="right")
    table.add_column("first-pass yield", justify="right")
    table.add_row(
        str(figures["units_tested"]),
        str(figures["boards"]),
        str(figures["retests"]),
        *(str(figures["outcomes"].get(o, 0)) for o in ("PASS", "FAIL", "ERROR", "INCOMPLETE")),
        str(figures["marginal"]),
        _percent(figures["yield"]),
        _percent(figures["first_pass_yield"]),
    )
    console.print(table)
    console.print(_pareto(Counter(figures["failures"])))
    if figures["in_progress"]:
        console.print(
            f"[yellow]{figures['in_progress']} unit(s) marked in progress: being tested now, or cut off "
            "(the station's next start records them as incomplete)[/yellow]"
        )
    return figures


def _pareto(failures: Counter) -> Table:
    table = Table(title="failures by first failed phase: measurement (Pareto)")
    for column in ("failure", "units", "share", "cumulative"):
        table.add_column(column, justify="left" if column == "failure" else "right")
    total, running = sum(failures.values()), 0
    for failure, count in failures.most_common():
        running += count
        table.add_row(failure, str(count), _percent(count / total), _percent(running / total))
    return table
