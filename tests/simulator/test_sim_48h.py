"""Every profile over a warped 48 hours that crosses midnight and the end of daylight saving.

The expectations are HAN-FACTS restated, not the schedule code run twice:
which list goes out at which second of the hour, what wall time the meter
shows (computed here with zoneinfo), and that the energy registers equal the
power the frames report, integrated, within one unit of resolution.
"""

from datetime import timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from meter_profiles import bundled_profiles
from simulator.codec import decode_frame
from simulator.meter import REPEAT_RATE, Meter, MeterClock
from simulator.readings import load_scenario
from simulator.run import SentLog, run_meter
from tests.oracles import amshan_decode

from .support import MemoryLine

HOURS = 48
# Noon the day before Norway leaves summer time (2024-10-27 03:00 CEST -> 02:00 CET).
START = "2024-10-26T12:00:00"
REGISTERS = ("active_energy_import", "active_energy_export", "reactive_energy_import", "reactive_energy_export")
STEP_MS = {"kaifa": 2000, "aidon": 2500, "kamstrup": 10000}
# Meters with a push of their own (one full list every 10 s or 5 s), which HAN-FACTS does not describe:
# test_sim_beyond_norway.py holds them to their profiles' sources.
OWN_SCHEDULES = {"aidon-6534-se", "kaifa-ma309m-at"}


def expected_list(make: str, ms_of_hour: int) -> int | None:
    """The list HAN-FACTS says a meter of this make sends at this millisecond of the hour, if any."""
    if make == "kamstrup":
        if ms_of_hour == 5_000:
            return 3
        return 2 if ms_of_hour % 10_000 == 0 else None
    if ms_of_hour == 10_000:
        return 3  # hh:00:10 takes the list 2 (and list 1) slot
    if ms_of_hour % 10_000 == 0:
        return 2  # :x0 takes the list 1 slot
    return 1 if ms_of_hour % STEP_MS[make] == 0 else None


def wall_zone(profile):
    if profile.clock.kind == "local":
        return ZoneInfo(profile.clock.zone)
    return timezone(timedelta(minutes=profile.clock.utc_offset_minutes))


@cache
def meter_run(name: str):
    """The emissions of one profile's meter over 48 hours of meter time, as fast as it computes."""
    profile = bundled_profiles()[name]
    clock = MeterClock.starting_at(profile.clock, START)
    scenario = load_scenario("quiet-flat")
    source = scenario.source(profile.phases, round(clock.start_utc.timestamp() * 1000))
    meter = Meter(profile, source, clock, scenario.seed)  # as run_meter seeds it
    emissions = []
    while (emission := meter.next_emission()).elapsed < HOURS * 3600:
        emissions.append(emission)
    return profile, clock.start_utc, emissions


@pytest.fixture(params=sorted(set(bundled_profiles()) - OWN_SCHEDULES))
def run(request):
    """One profile's 48 hours."""
    return meter_run(request.param)


def test_cadence_and_slot_collisions_match_han_facts(run):
    profile, start_utc, emissions = run
    start_ms = round(start_utc.timestamp() * 1000)
    grid = range(start_ms, start_ms + HOURS * 3_600_000, 500 if profile.make == "aidon" else 1000)
    expected = [(at, expected_list(profile.make, at % 3_600_000)) for at in grid]
    expected = [(at, n) for at, n in expected if n is not None]
    sent = [(start_ms + round(e.elapsed * 1000), e.list_no) for e in emissions]
    assert sent == expected
    hourly = [e for e in emissions if e.list_no == 3]
    assert len(hourly) == HOURS  # one hourly list every real hour, the repeated hour included


def test_meter_times_are_the_wall_clock_of_the_profile(run):
    profile, start_utc, emissions = run
    zone = wall_zone(profile)
    for e in emissions[::7]:
        wall = (start_utc + timedelta(seconds=e.elapsed)).astimezone(zone).replace(tzinfo=None, microsecond=0)
        assert e.meter_time == wall.isoformat()
    hourly_times = [e.meter_time for e in emissions if e.list_no == 3]
    dst_night = [t for t in hourly_times if t.startswith("2024-10-27T02:00")]
    # A Kaifa clock shows 02:00 twice on the night summer time ends; the fixed UTC+1 clocks once.
    assert len(dst_night) == (2 if profile.clock.kind == "local" else 1)
    assert any(t.startswith("2024-10-27T00:00") for t in hourly_times)  # crossed midnight


def test_frame_clocks_follow_the_profile(run):
    profile, _, emissions = run
    for e in emissions:
        if profile.apdu.datetime != "null":
            assert e.reading["meter_time"] == e.meter_time
        elif e.list_no == 3:
            # Aidon stamps the hourly list with the hour the values were taken, ten seconds before sending.
            assert e.meter_time.endswith(":00:10") and e.reading["meter_time"] == e.meter_time[:-2] + "00"
        else:
            assert "meter_time" not in e.reading


def test_energy_registers_equal_integrated_power(run):
    profile, start_utc, emissions = run
    start_ms = round(start_utc.timestamp() * 1000)
    step = STEP_MS[profile.make]
    resolution = 10 ** next(i.scaler for i in profile.lists[3].items if i.field == "active_energy_import")
    lag_ms = 5000 if profile.make == "kamstrup" else 10_000  # hourly values are taken at hh:00:00
    samples = [
        (start_ms + round(e.elapsed * 1000), e.reading["active_power_import"])
        for e in emissions
        if (start_ms + round(e.elapsed * 1000)) % step == 0
    ]
    assert len(samples) == HOURS * 3_600_000 // step  # one power reading per measurement step
    hourly = [(start_ms + round(e.elapsed * 1000) - lag_ms, e.reading) for e in emissions if e.list_no == 3]
    anchor_at, anchor = hourly[0]
    repeats = 0
    for (taken, reading), (_, before) in zip(hourly[1:], hourly):
        for register in REGISTERS:
            assert reading[register] >= before[register], f"{register} went backwards"
        if all(reading[r] == before[r] for r in REGISTERS) and "hourly-energy-repeat" in profile.quirks:
            repeats += 1
            continue
        integrated_wh = sum(p for at, p in samples if anchor_at <= at < taken) * step / 3_600_000
        assert abs(reading["active_energy_import"] - anchor["active_energy_import"] - integrated_wh) < resolution
        anchor_at, anchor = taken, reading
    if "hourly-energy-repeat" in profile.quirks:
        assert 0 < repeats <= HOURS * REPEAT_RATE * 4
    else:
        assert repeats == 0


def test_the_whole_pipeline_sends_what_the_meter_computed_for_48_hours():
    """Codec, runner and sent log over the same 48 hours (the hardest clock: local, with the DST night)."""
    profile, _, emissions = meter_run("kaifa-ma304h3e")
    sent, elapsed = SentLog(), []
    line = MemoryLine(profile.serial)
    run_meter(
        profile,
        line,
        scenario="quiet-flat",
        start=START,
        duration_s=HOURS * 3600,
        warp=None,
        sent_log=sent,
        on_entry=lambda entry, stats: elapsed.append(stats.elapsed),
    )
    assert elapsed == [e.elapsed for e in emissions]
    assert [(e["list"], e["meter_time"], e["readings"]) for e in sent.entries] == [
        (e.list_no, e.meter_time, e.reading) for e in emissions
    ]
    assert bytes(line.data) == bytes.fromhex("".join(e["frame"] for e in sent.entries))
    for entry in sent.entries[::487] + [e for e in sent.entries if e["list"] == 3]:
        frame = bytes.fromhex(entry["frame"])
        assert {k: v for k, v in decode_frame(frame).items() if k not in ("meter", "list")} == entry["readings"]
        assert amshan_decode(frame) == pytest.approx(entry["readings"], abs=1e-9)
