"""The station's record database: SQLite (embedded default) or PostgreSQL (a factory), one schema, versioned.

SQLAlchemy Core carries the same tables and statements to both; psycopg 3 is
PostgreSQL's driver. Every unit is a row keyed by (station, unit) whose
outcome is NULL while the unit is under test, so a crash leaves a row a
restart of *that* station turns INCOMPLETE, and another station's live unit
is never touched. A unit's verdict, record and failures are one transaction.

SQLite runs in WAL mode with synchronous=FULL, and each transaction takes the
write lock at BEGIN (IMMEDIATE), so two stations on one file wait for each
other (busy_timeout) instead of failing on a lock upgrade.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .errors import RecordError

__all__ = ["FAILURES", "UNITS", "connect", "describe"]

SQLITE_BUSY_MS = 30_000
METADATA = sa.MetaData()
UNITS = sa.Table(
    "units",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("station", sa.String(64), nullable=False),
    sa.Column("unit", sa.String(128), nullable=False),
    sa.Column("serial_number", sa.String(64)),
    sa.Column("board_id", sa.String(64)),
    sa.Column("started", sa.String(40), nullable=False),
    sa.Column("ended", sa.String(40)),
    sa.Column("phase", sa.String(64)),
    sa.Column("outcome", sa.String(16)),  # NULL: under test now, or cut off
    sa.Column("marginal", sa.Boolean, nullable=False, default=False),
    sa.Column("header", sa.Text, nullable=False),
    sa.Column("record", sa.Text),
    sa.UniqueConstraint("station", "unit", name="one_row_per_unit"),
)
FAILURES = sa.Table(
    "failures",
    METADATA,
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),  # 0: the failure that stopped the unit
    sa.Column("phase", sa.String(64), nullable=False),
    sa.Column("measurement", sa.String(128)),
    sa.Column("why", sa.Text),
)
SCHEMA_VERSION = sa.Table("schema_version", sa.MetaData(), sa.Column("version", sa.Integer, primary_key=True))
# Each step brings the schema from the version before it; append, never edit, once a station has run it.
MIGRATIONS = [lambda connection: METADATA.create_all(connection, tables=[UNITS, FAILURES])]


def describe(url: str) -> str:
    """The URL as it may be shown: never a password."""
    return make_url(url).render_as_string(hide_password=True)


def _engine(url: str) -> sa.Engine:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise RecordError(f"--records must be sqlite:///PATH or postgresql://USER@HOST/DB, not {url!r}") from None
    if parsed.password:
        raise RecordError(
            f"--records {describe(url)}: a password in the URL would show in the process list; "
            "put it in ~/.pgpass (or PGPASSFILE) and leave it out of the URL"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    raise RecordError(f"--records must be sqlite:///PATH or postgresql://USER@HOST/DB, not {describe(url)}")


def _sqlite_engine(url) -> sa.Engine:
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", f"busy_timeout={SQLITE_BUSY_MS}", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest version; two stations starting at once serialise on a lock."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4711)"))
        SCHEMA_VERSION.metadata.create_all(connection)
        current = connection.execute(sa.select(sa.func.max(SCHEMA_VERSION.c.version))).scalar() or 0
        for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
            step(connection)
            connection.execute(SCHEMA_VERSION.insert().values(version=version))


def connect(url: str, create: bool = True) -> sa.Engine:
    """An engine on the record database with its schema up to date; a RecordError saying what to fix."""
    engine = _engine(url)
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and not create and not Path(path).exists():
        raise RecordError(f"no record database at {path}; give the station's --record-dir or --records URL")
    if path and create:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RecordError(f"cannot create the folder of {path}: {error.strerror}; pick a writable place") from None
    try:
        _migrate(engine)
    except sa.exc.SQLAlchemyError as error:
        raise RecordError(f"the record database {describe(url)} cannot be opened: {reason(error)}") from None
    return engine


def reason(error: Exception) -> str:
    """The first line of what the database said, without SQLAlchemy's wrapping."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
