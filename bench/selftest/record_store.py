"""The station's records: one database row per unit (the truth), a JSON file per unit (the export).

A power cut can come at any instant, so a unit's row is inserted with no
outcome before its first phase touches the board, says which phase runs, and
gets its outcome, record and failures in one transaction. A row without an
outcome at start-up is a unit this station was cut off from: it becomes
INCOMPLETE. Only the station's own rows are recovered, so stations sharing a
database never touch each other's units. The JSON export is written after
the commit, atomically; a full disk there loses nothing the database holds.

    DATABASE                       units (station, unit, outcome, record) and failures
    EXPORT/records/<unit>.json     one per unit tested
"""

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from ..atomic import write_atomic
from .database import FAILURES, UNITS, connect, describe, reason
from .errors import RecordError

__all__ = ["INCOMPLETE", "RecordStore", "default_url", "first_failure", "now_iso", "summarise"]

INCOMPLETE = "INCOMPLETE"
SCHEMA = "hanbench-selftest-record/1"


def now_iso() -> str:
    """The wall clock in UTC, ISO 8601 with milliseconds: what records are stamped with."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_url(record_dir: Path) -> str:
    """The embedded database of a record directory."""
    return f"sqlite:///{Path(record_dir).resolve() / 'records.sqlite'}"


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, default=str) + "\n"


class RecordStore:
    """One station's view of a record database, and the folder its JSON records are exported to."""

    def __init__(self, url: str, export_dir: Path, station: str = "station-1"):
        self.url = url
        self.station = station
        self.root = Path(export_dir)
        self.records_dir = self.root / "records"
        self._engine: sa.Engine | None = None

    def open(self) -> "RecordStore":
        """Create the export folder, then connect; a RecordError when either refuses."""
        try:
            self.records_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RecordError(
                f"cannot create the record directory {self.root}: {error.strerror}; pick a writable --record-dir"
            ) from None
        return self.connect(create=True)

    def connect(self, create: bool = False) -> "RecordStore":
        """Connect and bring the schema up to date (an SQLite file must exist unless create)."""
        self._engine = connect(self.url, create)
        return self

    @contextmanager
    def _transaction(self, what: str):
        if self._engine is None:
            raise RecordError(f"the record database {self.url} is not connected: connect() first")
        try:
            with self._engine.begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as error:
            raise RecordError(
                f"cannot {what} in {describe(self.url)}: {reason(error)}; the units recorded before are "
                "kept; fix the database (space, server) and restart the station"
            ) from None

    def begin(self, unit: str, header: dict) -> None:
        """Record a unit as under test, before anything is done to it."""
        with self._transaction(f"start unit {unit}") as connection:
            connection.execute(
                UNITS.insert().values(
                    station=self.station,
                    unit=unit,
                    serial_number=header.get("serial_number"),
                    started=header.get("started") or now_iso(),
                    header=json.dumps({**header, "unit": unit}, default=str),
                )
            )

    def note_phase(self, unit: str, phase: str) -> None:
        """Say which phase runs, so a cut-off unit's record tells where it stopped."""
        with self._transaction(f"note unit {unit}'s phase") as connection:
            connection.execute(UNITS.update().where(self._row(unit), UNITS.c.outcome.is_(None)).values(phase=phase))

    def finish(self, record: dict) -> Path:
        """Keep a unit's outcome, record and failures in one transaction, then export its JSON file; the file."""
        unit = record["unit"]
        document = {"schema": SCHEMA, **record}
        with self._transaction(f"keep unit {unit}'s record") as connection:
            unit_id = self._claim(connection, unit, record)
            connection.execute(
                UNITS.update()
                .where(UNITS.c.id == unit_id)
                .values(
                    outcome=record["outcome"],
                    ended=record["ended"],
                    marginal=bool(record.get("marginal")),
                    board_id=record.get("board_id"),
                    record=json.dumps(document, default=str),
                )
            )
            failures = [
                {
                    "unit_id": unit_id,
                    "position": n,
                    "phase": f.get("phase") or "start",
                    "measurement": f.get("measurement"),
                    "why": f.get("why"),
                }
                for n, f in enumerate(record.get("failures") or [])
            ]
            if failures:
                connection.execute(FAILURES.insert(), failures)
        return self._export(unit, document)

    def _claim(self, connection, unit: str, record: dict) -> int:
        """The unit's row id, inserted now when the unit was never begun."""
        found = connection.execute(sa.select(UNITS.c.id).where(self._row(unit))).scalar()
        if found is not None:
            return found
        header = {k: v for k, v in record.items() if k not in ("phases", "failures", "notes")}
        inserted = connection.execute(
            UNITS.insert().values(
                station=self.station,
                unit=unit,
                serial_number=record.get("serial_number"),
                started=record.get("started") or record["ended"],
                header=json.dumps(header, default=str),
            )
        )
        return inserted.inserted_primary_key[0]

    def _export(self, unit: str, document: dict) -> Path:
        path = self.records_dir / f"{unit}.json"
        try:
            write_atomic(path, _dump(document))
        except OSError as error:
            raise RecordError(
                f"unit {unit} is kept in {describe(self.url)} but its JSON export {path} could not be "
                f"written: {error.strerror}; free space there and restart the station"
            ) from None
        return path

    def _row(self, unit: str):
        return sa.and_(UNITS.c.station == self.station, UNITS.c.unit == unit)

    def recover(self) -> list[dict]:
        """Turn this station's units left without an outcome into INCOMPLETE records."""
        recovered = []
        for header in self.markers():
            stopped = f" in phase {header['phase']}" if header.get("phase") else " before its first phase"
            record = {
                **header,
                "outcome": INCOMPLETE,
                "marginal": False,
                "ended": now_iso(),
                "failures": [
                    {
                        "phase": header.get("phase") or "start",
                        "measurement": None,
                        "why": f"the station stopped{stopped} (crash or power cut)",
                    }
                ],
                "phases": [],
            }
            self.finish(record)
            recovered.append(record)
        return recovered

    def markers(self) -> list[dict]:
        """This station's units under test now, or cut off and not yet recovered."""
        with self._transaction("read the units under test") as connection:
            rows = connection.execute(
                sa.select(UNITS.c.header, UNITS.c.phase)
                .where(UNITS.c.station == self.station, UNITS.c.outcome.is_(None))
                .order_by(UNITS.c.id)
            ).all()
        return [{**json.loads(row.header), "phase": row.phase} for row in rows]

    def records(self) -> Iterator[dict]:
        """Every kept record of every station, in the order the units started."""
        with self._transaction("read the records") as connection:
            rows = connection.execute(
                sa.select(UNITS.c.record).where(UNITS.c.outcome.is_not(None)).order_by(UNITS.c.started, UNITS.c.id)
            ).all()
        return (json.loads(row.record) for row in rows)

    def in_progress(self) -> int:
        """Units of any station with no outcome yet."""
        with self._transaction("count the units under test") as connection:
            return connection.execute(sa.select(sa.func.count()).where(UNITS.c.outcome.is_(None))).scalar()


def first_failure(record: dict) -> str | None:
    """The first thing that failed in a record, as "phase: measurement" (or the phase, for an error); None for a pass."""
    failures = record.get("failures") or []
    if not failures:
        return None
    first = failures[0]
    return f"{first['phase']}: {first['measurement']}" if first.get("measurement") else first["phase"]


def summarise(verdicts: list[dict]) -> dict:
    """Tests run, outcomes, yield and the failures by how often they came first (a Pareto)."""
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
