"""The record database under stress: two stations at once, a full disk, labels that are not labels."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.selftest.errors import RecordError
from bench.selftest.record_store import RecordStore, default_url
from tests import tiers
from tests.bench.selftest.postgres import PostgresServer
from tests.bench.selftest.station_run import REPO, station_argv

WRITER = Path(__file__).with_name("records_writer.py")
UNITS = 40


def test_two_stations_writing_at_once_never_touch_each_others_units(record_url, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [
        subprocess.Popen(
            [sys.executable, WRITER, record_url, tmp_path / station, station, str(UNITS)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for station in ("line-a", "line-b")
    ]
    for writer in writers:
        assert writer.wait(timeout=240) == 0, writer.stderr and writer.stderr.read()
    records = list(RecordStore(record_url, tmp_path).connect().records())
    assert len(records) == 2 * UNITS
    assert {r["outcome"] for r in records} == {"PASS"}
    for station in ("line-a", "line-b"):
        mine = [r for r in records if r["station"]["id"] == station]
        assert sorted(r["unit"] for r in mine) == [f"{station}-{n:03d}" for n in range(UNITS)]
        assert len(list((tmp_path / station / "records").glob("*.json"))) == UNITS


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KiB tmpfs (a full disk in miniature); mounting needs root, as CI runs."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode:
        why = f"cannot mount a small tmpfs here (needs root, as CI has): {mounted.stderr.decode().strip()}"
        if tiers.strict():
            pytest.fail(f"{tiers.STRICT_ENV}=1 and {why}", pytrace=False)
        pytest.skip(why)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _fill(path: Path) -> None:
    """Take every byte the file system has left."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _unit(store: RecordStore, n: int) -> None:
    unit = f"u{n:04d}"
    store.begin(unit, {"serial_number": f"SN-{n}"})
    store.finish(
        {
            "unit": unit,
            "serial_number": f"SN-{n}",
            "outcome": "PASS",
            "ended": "2026-12-01T07:00:00Z",
            "failures": [],
            "phases": [],
            "notes": ["x" * 2000],
        }
    )


def test_a_full_disk_under_sqlite_stops_with_one_line_and_keeps_every_unit_before(small_disk, tmp_path):
    store = RecordStore(f"sqlite:///{small_disk / 'records.sqlite'}", tmp_path / "export").open()
    kept = 0
    with pytest.raises(RecordError) as refused:
        for n in range(10_000):
            _unit(store, n)
            kept += 1
    assert "disk is full" in str(refused.value) and "the units recorded before are kept" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert kept > 3
    records = list(RecordStore(f"sqlite:///{small_disk / 'records.sqlite'}", tmp_path).connect().records())
    assert [r["unit"] for r in records] == [f"u{n:04d}" for n in range(kept)]


def test_a_full_disk_under_the_json_export_keeps_the_unit_in_the_database(small_disk, tmp_path):
    store = RecordStore(default_url(tmp_path), small_disk).open()
    _fill(small_disk / "filler")
    with pytest.raises(
        RecordError,
        match=r"unit u0000 is kept in .* but its JSON export .* could not be written: "
        r"No space left on device",
    ):
        _unit(store, 0)
    assert [r["unit"] for r in store.records()] == ["u0000"]
    assert not [p for p in (small_disk / "records").iterdir()], "a torn or temporary export was left"


def test_labels_that_are_not_serial_numbers_are_refused_and_the_line_goes_on(tmp_path, quick_limits):
    scans = "AB/CD\n" + "A" * 300 + "\n../../etc\nq\n"
    done = subprocess.run(
        station_argv(tmp_path / "r", quick_limits, "--dut", "host", "--loop"),
        cwd=REPO,
        input=scans,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("does not match") == 3 and "Traceback" not in done.stdout + done.stderr
    assert "0 unit(s) tested" in done.stdout
    assert list(RecordStore(default_url(tmp_path / "r"), tmp_path / "r").connect().records()) == []


def test_a_crash_between_the_commit_and_the_export_leaves_the_unit_with_its_verdict(record_url, tmp_path, monkeypatch):
    store = RecordStore(record_url, tmp_path).open()
    store.begin("u-cut", {"serial_number": "CUT1"})

    def power_cut(*_):
        raise KeyboardInterrupt("the power went")

    monkeypatch.setattr("bench.selftest.record_store.write_atomic", power_cut)
    with pytest.raises(KeyboardInterrupt):
        store.finish(
            {
                "unit": "u-cut",
                "serial_number": "CUT1",
                "outcome": "FAIL",
                "ended": "2026-12-01T07:00:00Z",
                "failures": [{"phase": "boot", "measurement": "boot_banner_s"}],
                "phases": [],
            }
        )
    restarted = RecordStore(record_url, tmp_path).open()
    assert restarted.recover() == []
    assert [(r["unit"], r["outcome"]) for r in restarted.records()] == [("u-cut", "FAIL")]


def test_a_database_that_goes_down_mid_unit_stops_it_with_one_line_and_keeps_every_unit_before(tmp_path, monkeypatch):
    server = PostgresServer().start()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        url = server.fresh_database()
        store = RecordStore(url, tmp_path).open()
        _unit(store, 0)
        store.begin("u0001", {"serial_number": "SN-1"})
        server.stop_server()
        with pytest.raises(RecordError) as refused:
            store.finish(
                {
                    "unit": "u0001",
                    "serial_number": "SN-1",
                    "outcome": "PASS",
                    "ended": "2026-12-01T07:00:00Z",
                    "failures": [],
                    "phases": [],
                }
            )
        assert "cannot keep unit u0001's record in postgresql://station@127.0.0.1" in str(refused.value)
        assert "\n" not in str(refused.value) and server.password not in str(refused.value)
        server.start_server()
        kept = RecordStore(url, tmp_path).open()
        assert [(r["unit"], r["outcome"]) for r in kept.records()] == [("u0000", "PASS")]
        assert [m["unit"] for m in kept.markers()] == ["u0001"]  # recovered as INCOMPLETE at the station's next start
    finally:
        server.stop()


def test_a_full_database_without_root_stops_with_one_line_and_keeps_every_unit_before(tmp_path):
    """The same as the small tmpfs where mounting is not allowed: SQLite's page limit gives its own "full" error."""
    store = RecordStore(default_url(tmp_path), tmp_path).open()
    assert store._engine is not None
    sa.event.listen(store._engine, "connect", lambda connection, _: connection.execute("PRAGMA max_page_count = 40"))
    store._engine.dispose()
    kept = 0
    with pytest.raises(RecordError, match="database or disk is full.*the units recorded before are kept"):
        for n in range(10_000):
            _unit(store, n)
            kept += 1
    assert kept > 3
    assert [r["unit"] for r in RecordStore(default_url(tmp_path), tmp_path).connect().records()] == [
        f"u{n:04d}" for n in range(kept)
    ]


def test_a_failed_json_export_without_root_keeps_the_unit_in_the_database(tmp_path, monkeypatch):
    store = RecordStore(default_url(tmp_path / "db"), tmp_path).open()
    monkeypatch.setattr(
        "bench.atomic.os.fsync", lambda _fd: (_ for _ in ()).throw(OSError(28, "No space left on device"))
    )
    with pytest.raises(RecordError, match="unit u0000 is kept in .* but its JSON export .* No space left on device"):
        _unit(store, 0)
    assert [r["unit"] for r in store.records()] == ["u0000"]
    assert not list((tmp_path / "records").iterdir())
