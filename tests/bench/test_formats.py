"""Other readers' formats judged from their messages: right passes; scaled, missing or late fails for its reason."""

import json
from dataclasses import replace

import pytest

from bench.broker import BrokerEndpoint
from bench.check import judge
from bench.dut import HostDut, Wiring
from bench.dut.command import HOST_FORMATS
from bench.errors import DutError, RunOptionError
from bench.observer.adapters import publications
from bench.run import LoopOptions
from bench.run.runsets import load_set
from tests.bench.benchlogs import METER, TOPIC
from tests.bench.format_writers import epoch, kaifa_frames, messages_of


def verdict_of(output_format: str, mode: str):
    frames = kaifa_frames()
    return judge(frames, publications(output_format, TOPIC, messages_of(output_format, mode, frames)))


NEW_FORMATS = ["amsreader", "amsreader-raw", "raw"]


@pytest.mark.parametrize("output_format", NEW_FORMATS)
def test_a_reader_writing_the_format_right_passes(output_format):
    verdict = verdict_of(output_format, "good")
    assert verdict.passed, verdict.failures
    assert verdict.latency.count >= 6


@pytest.mark.parametrize(
    "output_format, mode, reason, words",
    [
        ("amsreader", "scale", "values", "current_l1 sent 1.234, published 12.3 (resolution 0.01)"),
        ("amsreader", "missing", "values", "voltage_l3 missing (sent 229.8)"),
        ("amsreader", "late", "latency", "1.500 s from its last byte to the message (limit 1 s)"),
        ("amsreader-raw", "scale", "values", "current_l1 sent 1.234, published 12.3 (resolution 0.01)"),
        ("amsreader-raw", "missing", "values", "voltage_l3 missing (sent 229.8)"),
        ("amsreader-raw", "late", "latency", "1.500 s from its last byte to the message (limit 1 s)"),
        ("raw", "scale", "values", "current_l1 sent 1.234, published 12.34 (resolution 0.001)"),
        ("raw", "missing", "published", "frame 9 (list 2, 2026-03-02T09:00:18) was not published"),
        ("raw", "late", "latency", "1.500 s from its last byte to the message (limit 1 s)"),
    ],
)
def test_a_wrong_reader_fails_for_its_reason(output_format, mode, reason, words):
    verdict = verdict_of(output_format, mode)
    assert verdict.reasons() == {reason}, verdict.failures
    assert words in verdict.failures[0].detail


def test_an_unchanged_list_is_not_missing_but_a_changed_one_left_out_is_and_so_is_its_repeat():
    frames = kaifa_frames()
    messages = messages_of("amsreader-raw", "good", frames)
    assert not [m for m in messages if m["t"] == frames[1]["end_mono"] + 0.02], "frame 1 repeats frame 0"
    changed = frames[2]["end_mono"] + 0.02
    verdict = judge(frames, publications("amsreader-raw", TOPIC, [m for m in messages if m["t"] != changed]))
    assert verdict.reasons() == {"published"}
    # Frame 3 repeats frame 2, which the reader never published: what it holds is frame 1's.
    assert [f.seq for f in verdict.failures] == [2, 3]


def test_two_decimals_are_judged_at_half_a_hundredth_and_no_looser():
    frames = kaifa_frames(2)[:1]

    def document(current):
        data = {"P": 1000, "I1": current, "I2": 0.5, "I3": 0.75, "U1": 230.1, "U2": 0.0, "U3": 229.8}
        data.update({"PO": 0, "Q": 120, "QO": 0, "lv": "KFM_001", "meterId": "6970631401234567", "type": "MA304H3E"})
        return [{"t": 100.02, "topic": TOPIC, "payload": json.dumps({"data": data})}]

    assert judge(frames, publications("amsreader", TOPIC, document(1.23))).passed
    assert judge(frames, publications("amsreader", TOPIC, document(1.24))).reasons() == {"values"}
    assert judge(frames, publications("classic", TOPIC, document(1.23))).reasons() == {"values"}


def test_the_meter_clock_in_epoch_seconds_must_name_the_instant_the_meter_meant():
    frames = kaifa_frames()[-1:]
    messages = messages_of("amsreader", "good", frames)
    assert judge(frames, publications("amsreader", TOPIC, messages)).passed
    document = json.loads(messages[0]["payload"])
    document["data"]["rtc"] = epoch(METER, frames[0]["meter_time"]) + 3600  # the wall clock taken as UTC
    messages[0]["payload"] = json.dumps(document)
    verdict = judge(frames, publications("amsreader", TOPIC, messages))
    assert verdict.reasons() == {"values"}
    assert "meter_time sent '2026-03-02T09:00:22', published" in verdict.failures[0].detail


def test_the_host_build_is_started_in_the_format_the_bench_reads_and_refuses_one_it_cannot_write(tmp_path):
    wiring = Wiring("/dev/null", "8E1", BrokerEndpoint("127.0.0.1", 1883), "t", output_format="values")
    argv = HostDut(tmp_path, binary=tmp_path / "hanreader").argv(wiring)
    assert argv[argv.index("--format") + 1] == "per-value"
    with pytest.raises(
        DutError, match="the host build writes --format classic, values, homeassistant, raw, not 'amsreader'"
    ):
        HostDut(tmp_path).argv(replace(wiring, output_format="amsreader"))


def test_the_bench_set_runs_the_host_build_in_each_of_its_formats_and_an_unknown_format_is_refused_first():
    formats = {run.options.get("output_format", "classic") for run in load_set("bench")}
    assert formats == set(HOST_FORMATS)
    with pytest.raises(
        RunOptionError, match=r"--format must be one of amsreader, amsreader-raw, classic, .*, not 'xml'"
    ):
        LoopOptions(output_format="xml").check()
