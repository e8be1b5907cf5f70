"""A record directory that loses nothing: one JSON record per unit, a verdict log, a daily summary.

A power cut can come at any instant, so every file is either whole or absent:
records and summaries are written beside their final name, fsynced, renamed
over it and the directory fsynced (the rename itself must reach the disk);
the verdict log is only ever appended to, one fsynced line per unit. A unit
announces itself with an in-progress marker before its first phase; the
marker is removed only after its record is safe, so a marker found at
start-up is a unit that was cut off, and becomes an `incomplete` record.

    DIR/records/<unit>.json      one per unit tested
    DIR/in-progress/<unit>.json  the unit being tested now (or cut off)
    DIR/verdicts.jsonl           one line per unit, in the order they ended
    DIR/summary/<date>.json      units tested, yield and the most common failure that day
"""

import json
import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .errors import RecordError

__all__ = ["RecordStore", "INCOMPLETE", "first_failure", "now_iso", "summarise", "write_atomic", "append_line"]

INCOMPLETE = "INCOMPLETE"
SCHEMA = "hanbench-selftest-record/1"


def now_iso() -> str:
    """The wall clock in UTC, ISO 8601 with milliseconds: what records are stamped with."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, text: str) -> None:
    """Write text to path so that a crash leaves the old file or the new one, never a torn one."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def append_line(path: Path, line: str) -> None:
    """Append one line and fsync it: the log keeps every earlier line whatever happens next."""
    created = not Path(path).exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (line.rstrip("\n") + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:
        _fsync_dir(Path(path).parent)


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, default=str) + "\n"


class RecordStore:
    """The record directory of one station (or of many, sharing a disk: unit names carry the station)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.records_dir = self.root / "records"
        self.markers_dir = self.root / "in-progress"
        self.verdict_log = self.root / "verdicts.jsonl"
        self.summary_dir = self.root / "summary"

    def open(self) -> "RecordStore":
        """Create the directory's folders; a RecordError when the disk refuses."""
        try:
            for folder in (self.records_dir, self.markers_dir, self.summary_dir):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RecordError(f"cannot create the record directory {self.root}: {error.strerror}; "
                              "pick a writable --record-dir") from None
        return self

    def begin(self, unit: str, header: dict) -> None:
        """Mark a unit as being tested, before anything is done to it."""
        write_atomic(self.markers_dir / f"{unit}.json", _dump({**header, "unit": unit, "phase": None}))

    def note_phase(self, unit: str, phase: str) -> None:
        """Say in the marker which phase runs, so a cut-off unit's record tells where it stopped."""
        marker = self.markers_dir / f"{unit}.json"
        if marker.exists():
            write_atomic(marker, _dump({**json.loads(marker.read_text()), "phase": phase}))

    def finish(self, record: dict) -> Path:
        """Keep a unit's record, log its verdict, refresh the day's summary, then drop its marker."""
        unit = record["unit"]
        path = self.records_dir / f"{unit}.json"
        write_atomic(path, _dump({"schema": SCHEMA, **record}))
        append_line(self.verdict_log, json.dumps(_verdict_line(record, path.relative_to(self.root))))
        self._refresh_summary(record["ended"][:10])
        marker = self.markers_dir / f"{unit}.json"
        if marker.exists():
            marker.unlink()
            _fsync_dir(self.markers_dir)
        return path

    def recover(self) -> list[dict]:
        """Turn every leftover marker into an incomplete record (or drop it when its record was already kept)."""
        recovered = []
        for marker in sorted(self.markers_dir.glob("*.json")):
            header = json.loads(marker.read_text())
            if (self.records_dir / marker.name).exists():
                marker.unlink()  # cut off after its record was safe: nothing was lost
                continue
            stopped = f" in phase {header['phase']}" if header.get("phase") else " before its first phase"
            record = {**header, "outcome": INCOMPLETE, "marginal": False, "ended": now_iso(),
                      "failures": [{"phase": header.get("phase") or "start", "measurement": None,
                                    "why": f"the station stopped{stopped} (crash or power cut)"}],
                      "phases": []}
            self.finish(record)
            recovered.append(record)
        return recovered

    def records(self) -> Iterator[dict]:
        """Every kept record, oldest unit first (unit names start with their start time)."""
        for path in sorted(self.records_dir.glob("*.json")):
            try:
                yield json.loads(path.read_text())
            except (OSError, ValueError) as error:
                raise RecordError(f"record {path} is unreadable ({error}); it was not written by this station") from None

    def markers(self) -> list[dict]:
        """The units in progress now, or cut off and not yet recovered."""
        return [json.loads(path.read_text()) for path in sorted(self.markers_dir.glob("*.json"))]

    def _refresh_summary(self, day: str) -> None:
        lines = [json.loads(line) for line in self.verdict_log.read_text().splitlines() if line.strip()]
        summary = {"date": day, **summarise([line for line in lines if line["ended"][:10] == day])}
        write_atomic(self.summary_dir / f"{day}.json", _dump(summary))


def first_failure(record: dict) -> str | None:
    """The first thing that failed in a record, as "phase: measurement" (or the phase, for an error); None for a pass."""
    failures = record.get("failures") or []
    if not failures:
        return None
    first = failures[0]
    return f"{first['phase']}: {first['measurement']}" if first.get("measurement") else first["phase"]


def _verdict_line(record: dict, path: Path) -> dict:
    return {"ended": record["ended"], "unit": record["unit"], "serial_number": record.get("serial_number"),
            "board_id": record.get("board_id"), "outcome": record["outcome"], "marginal": record.get("marginal", False),
            "failure": first_failure(record), "station": record.get("station", {}).get("id"), "record": str(path)}


def summarise(verdicts: list[dict]) -> dict:
    """Units tested, outcomes, yield and the failures by how often they came first (a Pareto)."""
    outcomes = Counter(line["outcome"] for line in verdicts)
    failures = Counter(line["failure"] for line in verdicts if line["outcome"] != "PASS" and line.get("failure"))
    tested = len(verdicts)
    return {
        "units_tested": tested,
        "outcomes": dict(sorted(outcomes.items())),
        "marginal": sum(1 for line in verdicts if line.get("marginal")),
        "yield": round(outcomes.get("PASS", 0) / tested, 4) if tested else None,
        "most_common_failure": failures.most_common(1)[0][0] if failures else None,
        "failures": dict(failures.most_common()),
    }
