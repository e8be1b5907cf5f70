"""The record database (SQLite and a real PostgreSQL): one transaction per unit, recovery, the JSON export, the report."""

import json
import os

import pytest
from rich.console import Console

from bench.atomic import write_atomic
from bench.selftest.errors import RecordError
from bench.selftest.record_store import RecordStore, summarise
from bench.selftest.report import print_report


def _record(unit: str, outcome: str, failure: tuple[str, str] | None = None, serial: str | None = None, marginal=False):
    failures = [{"phase": failure[0], "measurement": failure[1]}] if failure else []
    return {
        "unit": unit,
        "serial_number": serial or unit,
        "outcome": outcome,
        "marginal": marginal,
        "started": f"2026-11-23T09:00:00.000+00:00 {unit}",
        "ended": "2026-11-23T10:00:00.000+00:00",
        "failures": failures,
        "phases": [],
        "station": {"id": "s1"},
    }


def _store(record_url, folder, station="s1") -> RecordStore:
    return RecordStore(record_url, folder, station).open()


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.json"
    write_atomic(target, "first\n")
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    assert os.listdir(tmp_path) == ["r.json"]


def test_finish_keeps_the_record_exports_it_and_ends_the_unit(record_url, tmp_path):
    store = _store(record_url, tmp_path)
    store.begin("u1", {"serial_number": "A1"})
    store.note_phase("u1", "boot")
    assert store.markers()[0]["phase"] == "boot"
    store.finish(_record("u1", "FAIL", ("boot", "boot_banner_s")))
    assert json.loads((tmp_path / "records" / "u1.json").read_text())["schema"] == "hanbench-selftest-record/1"
    (kept,) = store.records()
    assert kept["outcome"] == "FAIL" and kept["failures"][0]["measurement"] == "boot_banner_s"
    assert store.markers() == []


def test_recover_turns_a_unit_left_under_test_into_an_incomplete_record(record_url, tmp_path):
    store = _store(record_url, tmp_path)
    store.begin("u2", {"serial_number": "A2", "station": {"id": "s1"}})
    store.note_phase("u2", "han_kamstrup")
    (recovered,) = _store(record_url, tmp_path).recover()
    assert recovered["outcome"] == "INCOMPLETE"
    assert recovered["failures"][0] == {
        "phase": "han_kamstrup",
        "measurement": None,
        "why": "the station stopped in phase han_kamstrup (crash or power cut)",
    }
    assert json.loads((tmp_path / "records" / "u2.json").read_text())["outcome"] == "INCOMPLETE"
    assert store.recover() == []


def test_a_station_never_recovers_another_stations_live_unit(record_url, tmp_path):
    first, second = _store(record_url, tmp_path, "s1"), _store(record_url, tmp_path, "s2")
    first.begin("u-live", {"serial_number": "LIVE1"})
    assert second.recover() == []
    assert [m["unit"] for m in first.markers()] == ["u-live"]
    first.finish(_record("u-live", "PASS", serial="LIVE1"))
    assert [r["outcome"] for r in second.records()] == ["PASS"]


def test_the_same_unit_name_at_two_stations_is_two_units(record_url, tmp_path):
    for station in ("s1", "s2"):
        store = _store(record_url, tmp_path / station, station)
        store.begin("u", {"serial_number": "SAME1"})
        store.finish(_record("u", "PASS", serial="SAME1"))
    assert len(list(_store(record_url, tmp_path).records())) == 2


def test_summary_counts_yield_and_the_most_common_first_failure():
    lines: list[dict[str, str | None]] = [
        {"outcome": "PASS", "failure": None},
        {"outcome": "FAIL", "failure": "boot: boot_banner_s"},
        {"outcome": "FAIL", "failure": "han_kaifa: han_kaifa_wrong_values"},
        {"outcome": "FAIL", "failure": "han_kaifa: han_kaifa_wrong_values"},
        {"outcome": "PASS", "failure": None},
    ]
    summary = summarise(lines)
    assert (summary["units_tested"], summary["yield"]) == (5, 0.4)
    assert summary["most_common_failure"] == "han_kaifa: han_kaifa_wrong_values"
    assert list(summary["failures"].values()) == [2, 1]


def test_report_gives_yield_first_pass_yield_retests_and_the_pareto(record_url, tmp_path):
    store = _store(record_url, tmp_path)
    store.finish(_record("1-a", "FAIL", ("temperature", "board_temperature"), serial="A"))
    store.finish(_record("2-a", "PASS", serial="A"))  # retested after a repair
    store.finish(_record("3-b", "PASS", serial="B", marginal=True))
    store.finish(_record("4-c", "FAIL", ("temperature", "board_temperature"), serial="C"))
    store.finish(_record("5-d", "FAIL", ("mqtt_hello", "mqtt_hello_s"), serial="D"))
    console = Console(width=120, record=True)
    figures = print_report(store, console)
    assert (figures["units_tested"], figures["boards"], figures["yield"], figures["first_pass_yield"]) == (
        5,
        4,
        0.4,
        0.25,
    )
    assert figures["marginal"] == 1 and figures["retests"] == 1
    text = console.export_text()
    assert text.index("temperature: board_temperature") < text.index("mqtt_hello: mqtt_hello_s")
    assert "66.7 %" in text and "100.0 %" in text


def test_a_password_in_the_url_is_refused_before_it_is_used(tmp_path):
    with pytest.raises(RecordError, match="a password in the URL would show in the process list; put it in ~/.pgpass"):
        RecordStore("postgresql://station:s3cret@127.0.0.1:1/records", tmp_path).open()


def test_a_database_that_is_down_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "2")
    with pytest.raises(
        RecordError, match=r"the record database postgresql://station@127.0.0.1:1/records cannot be opened"
    ):
        RecordStore("postgresql://station@127.0.0.1:1/records", tmp_path).open()


def test_a_record_directory_that_cannot_be_made_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(RecordError, match="cannot create the record directory .*; pick a writable --record-dir"):
        RecordStore(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "file" / "records").open()
