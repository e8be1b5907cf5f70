"""The record directory: atomic files, the verdict log, the daily summary, recovery and the report's figures."""

import json
import os

import pytest
from rich.console import Console

from bench.selftest.errors import RecordError
from bench.selftest.records import RecordStore, append_line, summarise, write_atomic
from bench.selftest.report import directory_report, print_report


def _record(unit: str, outcome: str, failure: tuple[str, str] | None = None, serial: str | None = None, marginal=False):
    failures = [{"phase": failure[0], "measurement": failure[1]}] if failure else []
    return {"unit": unit, "serial_number": serial or unit, "outcome": outcome, "marginal": marginal,
            "ended": "2026-11-23T10:00:00.000+00:00", "failures": failures, "phases": [], "station": {"id": "s1"}}


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.json"
    write_atomic(target, "first\n")
    write_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    assert os.listdir(tmp_path) == ["r.json"]


def test_append_line_keeps_every_line(tmp_path):
    log = tmp_path / "verdicts.jsonl"
    for n in range(3):
        append_line(log, json.dumps({"n": n}))
    assert [json.loads(line)["n"] for line in log.read_text().splitlines()] == [0, 1, 2]


def test_finish_writes_record_verdict_and_summary_and_drops_the_marker(tmp_path):
    store = RecordStore(tmp_path).open()
    store.begin("u1", {"serial_number": "A1"})
    store.note_phase("u1", "boot")
    assert store.markers()[0]["phase"] == "boot"
    store.finish(_record("u1", "FAIL", ("boot", "boot_banner_s")))
    assert json.loads((tmp_path / "records" / "u1.json").read_text())["schema"] == "hanbench-selftest-record/1"
    assert json.loads((tmp_path / "verdicts.jsonl").read_text())["failure"] == "boot: boot_banner_s"
    summary = json.loads((tmp_path / "summary" / "2026-11-23.json").read_text())
    assert (summary["units_tested"], summary["yield"], summary["most_common_failure"]) == (1, 0.0, "boot: boot_banner_s")
    assert store.markers() == []


def test_recover_turns_a_leftover_marker_into_an_incomplete_record(tmp_path):
    store = RecordStore(tmp_path).open()
    store.begin("u2", {"serial_number": "A2", "station": {"id": "s1"}})
    store.note_phase("u2", "han_kamstrup")
    (recovered,) = RecordStore(tmp_path).open().recover()
    assert recovered["outcome"] == "INCOMPLETE"
    assert recovered["failures"][0] == {"phase": "han_kamstrup", "measurement": None,
                                        "why": "the station stopped in phase han_kamstrup (crash or power cut)"}
    assert json.loads((tmp_path / "records" / "u2.json").read_text())["outcome"] == "INCOMPLETE"
    assert store.recover() == []


def test_recover_drops_a_marker_whose_record_was_already_kept(tmp_path):
    store = RecordStore(tmp_path).open()
    store.finish(_record("u3", "PASS"))
    store.begin("u3", {"serial_number": "u3"})  # as if the cut came between the record and the marker's removal
    assert store.recover() == []
    assert json.loads((tmp_path / "records" / "u3.json").read_text())["outcome"] == "PASS"
    assert len((tmp_path / "verdicts.jsonl").read_text().splitlines()) == 1


def test_summary_counts_yield_and_the_most_common_first_failure():
    lines = [{"outcome": "PASS", "failure": None}, {"outcome": "FAIL", "failure": "boot: boot_banner_s"},
             {"outcome": "FAIL", "failure": "han_kaifa: han_kaifa_wrong_values"},
             {"outcome": "FAIL", "failure": "han_kaifa: han_kaifa_wrong_values"}, {"outcome": "PASS", "failure": None}]
    summary = summarise(lines)
    assert (summary["units_tested"], summary["yield"]) == (5, 0.4)
    assert summary["most_common_failure"] == "han_kaifa: han_kaifa_wrong_values"
    assert list(summary["failures"].values()) == [2, 1]


def test_report_gives_yield_first_pass_yield_and_the_pareto(tmp_path):
    store = RecordStore(tmp_path).open()
    store.finish(_record("1-a", "FAIL", ("temperature", "board_temperature"), serial="A"))
    store.finish(_record("2-a", "PASS", serial="A"))  # retested after a repair
    store.finish(_record("3-b", "PASS", serial="B", marginal=True))
    store.finish(_record("4-c", "FAIL", ("temperature", "board_temperature"), serial="C"))
    store.finish(_record("5-d", "FAIL", ("mqtt_hello", "mqtt_hello_s"), serial="D"))
    console = Console(width=120, record=True)
    figures = print_report(store, console)
    assert (figures["units_tested"], figures["boards"], figures["yield"], figures["first_pass_yield"]) == (5, 4, 0.4, 0.25)
    assert figures["marginal"] == 1
    text = console.export_text()
    assert text.index("temperature: board_temperature") < text.index("mqtt_hello: mqtt_hello_s")
    assert "66.7 %" in text and "100.0 %" in text


def test_an_unreadable_record_is_named(tmp_path):
    store = RecordStore(tmp_path).open()
    (tmp_path / "records" / "x.json").write_text("{torn")
    with pytest.raises(RecordError, match=r"record .*x\.json is unreadable"):
        directory_report(store)


def test_a_record_directory_that_cannot_be_made_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(RecordError, match="cannot create the record directory .*; pick a writable --record-dir"):
        RecordStore(tmp_path / "file" / "records").open()
