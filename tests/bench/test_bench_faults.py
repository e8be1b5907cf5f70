"""The bench's own losses (relay drops, the observer away) excuse the frames they touch and are named, never the reader's."""

import json
import os
import time
from typing import cast

from bench.check import Excuse, Verdict, judge
from bench.line import BENCH_FAULTS, PtyLine
from bench.observer.adapters import publications
from bench.observer.process import observer_outages
from bench.run.benchfaults import bench_faults
from bench.run.outcome import RunResult
from bench.run_cli import exit_status
from tests.bench.benchlogs import TOPIC, sent

# A pty takes a few KiB before it blocks; the relay waits STALL_S (0.5 s) and drops. Generous for busy cores.
DROP_WITHIN_S = 30.0


def test_a_frame_the_bench_lost_is_excused_and_the_verdict_is_a_bench_problem(run_of_ten):
    frames, messages = run_of_ten
    del messages[4]
    lost = Excuse(frames[4]["end_mono"] - 0.5, frames[4]["end_mono"] + 0.1, "the line relay dropped 93 bytes")
    verdict = judge(frames, publications("classic", TOPIC, messages), bench_faults=[lost])
    assert not verdict.reader_failed and not verdict.passed
    assert verdict.status == "BENCH-PROBLEM" and verdict.as_dict()["bench_problems"] == [
        "the line relay dropped 93 bytes"
    ]
    assert [f.seq for f in verdict.excused] == [4] and "lost while the line relay dropped 93 bytes" in verdict.excused[
        0
    ].detail


def test_a_reader_failure_outside_the_bench_loss_is_still_the_readers(run_of_ten):
    frames, messages = run_of_ten
    del messages[7], messages[4]
    lost = Excuse(frames[4]["end_mono"] - 0.5, frames[4]["end_mono"] + 0.1, "the line relay dropped 93 bytes")
    verdict = judge(frames, publications("classic", TOPIC, messages), bench_faults=[lost])
    assert verdict.status == "FAIL" and [f.seq for f in verdict.failures] == [7]


def test_losses_inside_a_planned_restart_or_touching_no_frame_are_not_bench_problems(tmp_path):
    frames = [sent(0, 10.0, {}), sent(1, 20.0, {})]
    (tmp_path / BENCH_FAULTS).write_text(
        json.dumps({"start": 9.5, "end": 10.5, "what": "inside the restart"})
        + "\n"
        + json.dumps({"start": 14.0, "end": 15.0, "what": "touching nothing"})
        + "\n"
        + json.dumps({"start": 19.8, "end": 20.3, "what": "the line relay dropped 40 bytes"})
        + "\n"
        + '{"start": 3'
    )
    restart = Excuse(9.0, 12.0, "the reader restarted")
    found = bench_faults(tmp_path, [], frames, [restart], 1.0)
    assert [fault.reason for fault in found] == ["the line relay dropped 40 bytes"]


def test_the_observer_away_from_the_broker_is_an_outage_until_it_is_back(tmp_path):
    log = tmp_path / "observer.log"
    log.write_text(
        "observer connected (Success) 1.000000\nobserver subscribed 1.1\nobserver disconnected 5.000000\n"
        "observer connected (Success) 7.500000\nobserver disconnected 9.000000\n"
    )
    assert observer_outages(log) == [(5.0, 7.5), (9.0, float("inf"))]
    found = bench_faults(tmp_path, observer_outages(log)[:1], [sent(0, 6.0, {})], [], 1.0)
    assert [fault.reason for fault in found] == ["the bench's observer was away from the broker for 2.5 s"]


def test_the_relay_records_what_it_drops_with_its_monotonic_times(tmp_path):
    line = PtyLine(tmp_path)
    line.open()
    assert line.meter_port is not None
    try:
        meter = os.open(line.meter_port, os.O_WRONLY | os.O_NONBLOCK)
        began = time.monotonic()
        deadline = began + DROP_WITHIN_S
        faults = tmp_path / BENCH_FAULTS
        while not (faults.exists() and faults.read_text().endswith("\n")):  # nobody reads the reader's side
            try:
                os.write(meter, b"\x7e" * 1024)
            except BlockingIOError:
                pass
            assert time.monotonic() < deadline, "the relay never dropped"
            time.sleep(0.01)
        os.close(meter)
    finally:
        line.close()
    entry = json.loads(faults.read_text().splitlines()[0])
    assert began <= entry["start"] < entry["end"] <= time.monotonic()
    assert entry["end"] - entry["start"] >= 0.5 and "the line relay dropped" in entry["what"]
    assert "the line relay dropped" in (tmp_path / "line.log").read_text()


def test_exit_status_is_fail_for_the_reader_and_bench_error_for_the_bench_alone(run_of_ten):
    frames, messages = run_of_ten

    class Result:
        def __init__(self, verdict):
            self.verdict = verdict

    clean = judge(frames, publications("classic", TOPIC, messages))
    lost = judge(
        frames,
        publications("classic", TOPIC, messages[:4] + messages[5:]),
        bench_faults=[Excuse(frames[4]["end_mono"] - 0.1, frames[4]["end_mono"], "the relay dropped 9 bytes")],
    )
    failed = judge(frames, publications("classic", TOPIC, messages[:4]))

    def results(*verdicts: Verdict) -> list[RunResult]:
        return [cast(RunResult, Result(verdict)) for verdict in verdicts]  # exit_status reads only the verdict

    assert exit_status(results(clean)) == 0
    assert exit_status(results(clean, lost)) == 2
    assert exit_status(results(lost, failed)) == 1
