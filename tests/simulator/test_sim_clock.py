"""The meter clock and the push schedule: starts anywhere, daylight saving, collisions by priority."""

import gc
from datetime import UTC, datetime

import pytest

from meter_profiles import get_profile
from meter_profiles.schema import PushSlot
from simulator.meter import ClockError, Meter, MeterClock, Schedule, parse_start
from simulator.readings import load_scenario
from simulator.timing import Pacer

KAIFA = get_profile("kaifa-ma304h3e")
AIDON = get_profile("aidon-6534")


def emissions(profile, start, count):
    clock = MeterClock.starting_at(profile.clock, start)
    source = load_scenario("fixed").source(profile.phases, round(clock.start_utc.timestamp() * 1000))
    meter = Meter(profile, source, clock)
    return [meter.next_emission() for _ in range(count)]


def test_a_naive_start_is_read_on_the_meters_own_clock():
    assert parse_start("2024-07-01T12:00:00", KAIFA.clock) == datetime(2024, 7, 1, 10, tzinfo=UTC)  # CEST
    assert parse_start("2024-07-01T12:00:00", AIDON.clock) == datetime(2024, 7, 1, 11, tzinfo=UTC)  # UTC+1


def test_the_repeated_hour_means_summer_time_unless_an_offset_says_otherwise():
    assert parse_start("2024-10-27T02:30:00", KAIFA.clock) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert parse_start("2024-10-27T02:30:00+01:00", KAIFA.clock) == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("2024-03-31T02:30:00", "does not exist on a Europe/Oslo clock"),
        ("yesterday", "start must be ISO 8601 such as 2024-10-27T02:59:50, not 'yesterday'"),
    ],
)
def test_impossible_starts_are_refused_with_the_reason(bad, message):
    with pytest.raises(ClockError, match=message):
        parse_start(bad, KAIFA.clock)


def test_new_years_eve_rolls_over_on_the_second():
    sent = emissions(KAIFA, "2024-12-31T23:59:50", 7)
    assert [e.meter_time for e in sent] == [
        "2024-12-31T23:59:50",
        "2024-12-31T23:59:52",
        "2024-12-31T23:59:54",
        "2024-12-31T23:59:56",
        "2024-12-31T23:59:58",
        "2025-01-01T00:00:00",
        "2025-01-01T00:00:02",
    ]
    assert [e.list_no for e in sent] == [2, 1, 1, 1, 1, 2, 1]


def test_the_night_summer_time_ends_a_kaifa_clock_repeats_the_hour_and_keeps_pushing():
    sent = emissions(KAIFA, "2024-10-27T02:59:50", 12)
    times = [e.meter_time for e in sent]
    assert times[:6] == [
        "2024-10-27T02:59:50",
        "2024-10-27T02:59:52",
        "2024-10-27T02:59:54",
        "2024-10-27T02:59:56",
        "2024-10-27T02:59:58",
        "2024-10-27T02:00:00",
    ]
    assert [e.elapsed for e in sent] == [2.0 * n for n in range(12)]  # no pause, no burst: one push every 2 s
    assert (sent[10].list_no, sent[10].meter_time) == (3, "2024-10-27T02:00:10")


def test_a_fixed_clock_ignores_daylight_saving():
    sent = emissions(AIDON, "2024-10-27T01:59:50", 30)
    times = [e.meter_time for e in sent]
    assert times == sorted(times) and times[-1] == "2024-10-27T02:01:02"


def test_priority_wins_a_shared_slot_and_the_loser_is_not_sent_later():
    schedule = Schedule(
        [
            PushSlot(list=1, period_s=2, priority=1),
            PushSlot(list=2, period_s=10, priority=2),
            PushSlot(list=3, period_s=3600, offset_s=10, priority=3, lag_s=10),
        ]
    )
    pushes = list(schedule.pushes(-1, 3_600_000 + 12_000))
    at = {p.meter_ms: p.list_no for p in pushes}
    assert len(at) == len(pushes)  # one list per instant
    assert at[0] == 2 and at[2_000] == 1 and at[10_000] == 3 and at[20_000] == 2 and at[3_610_000] == 3
    assert next(p for p in pushes if p.list_no == 3).lag_ms == 10_000


def test_a_clock_jump_moves_the_schedule_with_the_meter_clock():
    clock = MeterClock.starting_at(KAIFA.clock, "2024-01-10T10:00:00")
    meter = Meter(KAIFA, load_scenario("fixed").source(3, round(clock.start_utc.timestamp() * 1000)), clock)
    first = meter.next_emission()
    meter.jump_clock(-30)
    after = meter.next_emission()
    assert (first.meter_time, after.meter_time) == ("2024-01-10T10:00:00", "2024-01-10T09:59:32")
    assert after.elapsed == 2.0  # true time goes on; the meter just reads half a minute earlier


def test_no_garbage_collection_runs_between_a_deadline_and_the_frames_last_byte():
    assert gc.isenabled()
    with Pacer(1.0).punctual():
        assert not gc.isenabled()
    assert gc.isenabled()
    with Pacer(None).punctual():  # at max speed nothing is timed
        assert gc.isenabled()
