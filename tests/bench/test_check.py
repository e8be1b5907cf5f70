"""The checker, on hand-made sent logs and messages: one test for every reason a run fails."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.check import Excuse, judge, read_sent_log
from bench.errors import CheckError
from bench.observer.adapters import publications
from tests.bench.benchlogs import TOPIC, classic, list2, sent


def verdict_of(frames, messages, **options):
    return judge(frames, publications("classic", TOPIC, messages), **options)


def test_a_correct_reader_passes_with_its_latency(run_of_ten):
    verdict = verdict_of(*run_of_ten)
    assert verdict.passed, verdict.failures
    assert verdict.latency.count == 10
    assert verdict.latency.median == pytest.approx(0.02)
    assert verdict.latency.maximum == pytest.approx(0.02)


def test_a_message_stamped_before_its_frames_end_but_after_its_start_pairs_with_it(run_of_ten):
    frames, messages = run_of_ten
    # The simulator waited for a CPU between its write and its stamp: the message came 30 ms "before" the last byte.
    messages[4] = classic(frames[4]["end_mono"] - 0.03, frames[4]["readings"])
    verdict = verdict_of(frames, messages)
    assert verdict.passed, verdict.failures
    early = classic(frames[5]["start_mono"] - 0.05, frames[5]["readings"])  # before the first byte: from no frame
    assert verdict_of(frames, [*messages[:5], early, *messages[6:]]).reasons() == {"published", "no-extra"}


def test_a_value_scaled_wrongly_fails_values_naming_field_and_both_values(run_of_ten):
    frames, messages = run_of_ten
    messages[3] = classic(messages[3]["t"], {**frames[3]["readings"], "current_l1": 12.34})
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"values"}
    assert verdict.failures[0].seq == 3
    assert "current_l1 sent 1.234, published 12.34 (resolution 0.001)" in verdict.failures[0].detail


def test_within_half_a_step_of_resolution_is_equal_and_a_whole_step_is_not(run_of_ten):
    frames, messages = run_of_ten
    messages[1] = classic(messages[1]["t"], {**frames[1]["readings"], "voltage_l1": 230.14})
    assert verdict_of(frames, messages).passed
    messages[1] = classic(messages[1]["t"], {**frames[1]["readings"], "voltage_l1": 230.2})
    assert verdict_of(frames, messages).reasons() == {"values"}


def test_a_dropped_list_fails_published_naming_the_frame(run_of_ten):
    frames, messages = run_of_ten
    del messages[6]
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"published"}
    assert [f.seq for f in verdict.failures] == [6]
    assert "frame 6 (list 2) was not published" in verdict.failures[0].detail


def test_a_missing_field_fails_values(run_of_ten):
    frames, messages = run_of_ten
    readings = dict(frames[2]["readings"])
    del readings["voltage_l3"]
    messages[2] = classic(messages[2]["t"], readings)
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"values"}
    assert "voltage_l3 missing (sent 229.8)" in verdict.failures[0].detail


def test_a_message_from_no_frame_fails_no_extra(run_of_ten):
    frames, messages = run_of_ten
    messages.append(classic(200.0, list2(999)))
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"no-extra"}
    assert "matches no frame sent" in verdict.failures[0].detail


def test_an_unreadable_message_fails_no_extra_with_what_came(run_of_ten):
    frames, messages = run_of_ten
    messages.append({"t": 105.5, "topic": TOPIC, "payload": "P=1000"})
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"no-extra"}
    assert "not a classic JSON document" in verdict.failures[0].detail and "'P=1000'" in verdict.failures[0].detail


def test_messages_on_other_topics_are_not_judged(run_of_ten):
    frames, messages = run_of_ten
    messages.append({"t": 105.5, "topic": TOPIC + "/status", "payload": "online"})
    assert verdict_of(frames, messages).passed


def test_a_frame_published_twice_fails_no_duplicates(run_of_ten):
    frames, messages = run_of_ten
    messages.insert(5, classic(messages[4]["t"] + 0.01, frames[4]["readings"]))
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"no-duplicates"}
    assert (verdict.failures[0].seq, verdict.failures[0].message) == (4, 5)  # the second copy is the duplicate


def test_publishing_from_a_corrupted_frame_fails_corrupt_frames_naming_the_fault():
    frames = [sent(0, 100.0, list2(1000)), sent(1, 101.0, list2(1001), faults=["bad-fcs"]), sent(2, 102.0, list2(1002))]
    messages = [classic(f["end_mono"] + 0.02, f["readings"]) for f in frames]
    verdict = verdict_of(frames, messages)
    assert verdict.reasons() == {"corrupt-frames"}
    assert "frame 1 (list 2) was corrupted (bad-fcs) but published" in verdict.failures[0].detail


def test_garbage_from_a_corrupted_frame_is_blamed_on_the_corruption_not_the_values():
    frames = [
        sent(0, 100.0, list2(1000)),
        sent(1, 101.0, list2(1001), faults=["flipped-bits"]),
        sent(2, 102.0, list2(1002)),
    ]
    messages = [classic(100.02, list2(1000)), classic(101.02, list2(1001, current=65.5)), classic(102.02, list2(1002))]
    assert verdict_of(frames, messages).reasons() == {"corrupt-frames"}


def test_a_corrupted_frame_left_unpublished_passes():
    frames = [sent(0, 100.0, list2(1000)), sent(1, 101.0, list2(1001), faults=["bad-fcs"]), sent(2, 102.0, list2(1002))]
    messages = [classic(100.02, list2(1000)), classic(102.02, list2(1002))]
    assert verdict_of(frames, messages).passed


def test_lists_published_out_of_order_fail_order(run_of_ten):
    frames, messages = run_of_ten
    messages[7], messages[8] = (classic(108.03, frames[7]["readings"]), classic(108.02, frames[8]["readings"]))
    messages[7], messages[8] = messages[8], messages[7]
    verdict = verdict_of(frames, messages, latency_limit_s=2.0)
    assert verdict.reasons() == {"order"}
    assert "frame 7 published after frame 8" in verdict.failures[0].detail


def test_an_answer_later_than_the_limit_fails_latency_with_the_delay(run_of_ten):
    frames, messages = run_of_ten
    messages[9] = classic(frames[9]["end_mono"] + 1.5, frames[9]["readings"])
    verdict = verdict_of(frames, messages, latency_limit_s=1.0)
    assert verdict.reasons() == {"latency"}
    assert "frame 9 (list 2): 1.500 s from its last byte to the message (limit 1 s)" in verdict.failures[0].detail
    assert verdict.latency.maximum == pytest.approx(1.5)


def test_frames_lost_inside_an_excuse_are_reported_but_do_not_fail(run_of_ten):
    frames, messages = run_of_ten
    del messages[4:6]
    verdict = verdict_of(frames, messages, excuses=[Excuse(103.5, 105.5, "the broker was down")])
    assert verdict.passed
    assert [f.seq for f in verdict.excused] == [4, 5]
    assert "frame 4 (list 2) lost while the broker was down" in verdict.excused[0].detail


def test_a_frame_lost_in_a_restart_leaves_the_next_identical_frame_to_its_message():
    # Aidon's list 1 is the power alone, with no clock: under a steady load every one reads the same.
    frames = [sent(seq, 100.0 + 2.5 * seq, {"active_power_import": 1500}, 1, meter="aidon-6534") for seq in range(5)]
    messages = [classic(f["end_mono"] + 0.05, f["readings"]) for f in frames if f["seq"] != 2]
    restart = Excuse(104.0, messages[2]["t"], "the reader restarted")
    verdict = verdict_of(frames, messages, excuses=[restart])
    assert verdict.passed, verdict.failures
    assert [f.seq for f in verdict.excused] == [2]
    assert verdict.latency.maximum == pytest.approx(0.05)


@given(lost=st.lists(st.booleans(), min_size=2, max_size=40), delay=st.floats(0.0, 2.2), powers=st.integers(1, 3))
def test_a_reader_quicker_than_the_frames_is_judged_exactly_whatever_it_loses(lost, delay, powers):
    # Aidon list 1 every 2.5 s, a few powers only: many frames read the same as their neighbours. Each message
    # comes before the next frame's first byte (2.3 s after the last byte of its own).
    frames = [
        sent(seq, 100.0 + 2.5 * seq, {"active_power_import": 1500 + seq % powers}, 1, meter="aidon-6534")
        for seq in range(len(lost))
    ]
    messages = [classic(f["end_mono"] + delay, f["readings"]) for f, gone in zip(frames, lost, strict=True) if not gone]
    verdict = verdict_of(frames, messages, latency_limit_s=2.5)
    assert [f.seq for f in verdict.failures] == [seq for seq, gone in enumerate(lost) if gone]
    assert verdict.latency.samples == pytest.approx([delay] * len(messages))


def test_a_reader_a_frame_behind_pairs_each_identical_frame_in_order():
    # Each message comes after the next frame has ended, so either frame could be its source by time alone.
    frames = [sent(seq, 100.0 + 2.5 * seq, {"active_power_import": 1500}, 1, meter="aidon-6534") for seq in range(5)]
    messages = [classic(f["end_mono"] + 3.0, f["readings"]) for f in frames]
    verdict = verdict_of(frames, messages, latency_limit_s=1.0)
    assert verdict.reasons() == {"latency"}
    assert [f.seq for f in verdict.failures] == [0, 1, 2, 3, 4]
    assert verdict.latency.samples == pytest.approx([3.0] * 5)


def test_energies_published_in_kwh_are_compared_in_wh_at_the_meters_resolution():
    readings = {
        "list_version": "Kamstrup_V0001",
        "meter_id": "5706567274389702",
        "meter_type": "6841121BN243101040",
        "active_power_import": 1500,
        "active_energy_import": 12345670.0,
        "meter_time": "2017-10-20T12:00:05",
    }
    frames = [sent(0, 50.0, readings, list_no=3, meter="kamstrup-6841121")]
    assert verdict_of(frames, [classic(50.1, readings)]).passed
    wrong = classic(50.1, readings, tPI=1234567.0)  # a tenfold error: Wh taken for units of 10 Wh
    verdict = verdict_of(frames, [wrong])
    assert verdict.reasons() == {"values"}
    assert "resolution 10" in verdict.failures[0].detail


def test_the_header_clock_may_be_published_as_rtc():
    frames = [sent(0, 10.0, list2(900), time="2017-09-14T19:31:10")]
    assert verdict_of(frames, [classic(10.05, list2(900), rtc="2017-09-14T19:31:10")]).passed
    assert verdict_of(frames, [classic(10.05, list2(900), rtc="2017-09-14T19:31:20")]).reasons() == {"values"}


def test_a_reader_that_publishes_nothing_fails_published_for_every_frame(run_of_ten):
    verdict = verdict_of(run_of_ten[0], [])
    assert verdict.reasons() == {"published"}
    assert len(verdict.failures) == 10 and verdict.latency.count == 0


def test_the_sent_log_reader_drops_a_torn_last_line_and_names_a_bad_one(tmp_path):
    log = tmp_path / "sent.jsonl"
    log.write_text(json.dumps(sent(1, 2.0, list2(5))) + "\n" + json.dumps(sent(0, 1.0, list2(4))) + '\n{"seq": 2, ')
    assert [f["seq"] for f in read_sent_log(log)] == [0, 1]
    log.write_text(json.dumps({"seq": 0, "meter": "x"}) + "\n")
    with pytest.raises(CheckError, match=r"sent.jsonl:1: a sent-log line must have list, readings, end_mono"):
        read_sent_log(log)
    with pytest.raises(CheckError, match=r"no sent log at .*nowhere\.jsonl: the meter never started"):
        read_sent_log(tmp_path / "nowhere.jsonl")
