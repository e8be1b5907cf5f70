"""The meters beyond Norway with a push of their own, over a warped day: one full list every period on
the wall clock of their zone, energy registers that never go back and grow by the power they report."""

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from meter_profiles import get_profile
from simulator.meter import Meter, MeterClock
from simulator.readings import load_scenario

# name: (seconds between lists, the zone its clock shows)
PUSH = {"aidon-6534-se": (10, timezone(timedelta(hours=1))), "kaifa-ma309m-at": (5, ZoneInfo("Europe/Vienna"))}
START = "2024-10-26T23:30:00"  # across midnight and the night Vienna leaves summer time


@pytest.mark.parametrize("name", sorted(PUSH))
def test_a_full_list_every_period_on_the_wall_clock_with_registers_that_add_up(name):
    profile = get_profile(name)
    period, zone = PUSH[name]
    clock = MeterClock.starting_at(profile.clock, START)
    source = load_scenario("household-day").source(profile.phases, round(clock.start_utc.timestamp() * 1000), 1)
    meter = Meter(profile, source, clock, 1)
    emissions = [meter.next_emission() for _ in range(24 * 3600 // period)]
    assert {e.list_no for e in emissions} == {3}
    assert [round(e.elapsed) for e in emissions] == [period * n for n in range(len(emissions))]
    for e in emissions[::97]:
        wall = (clock.start_utc + timedelta(seconds=e.elapsed)).astimezone(zone).replace(tzinfo=None, microsecond=0)
        assert e.meter_time == wall.isoformat() == e.reading["meter_time"]
    imported = [e.reading["active_energy_import"] for e in emissions]
    assert all(b >= a for a, b in zip(imported, imported[1:]))
    # A day's energy is the power it reported, integrated, within a register step and a measurement step per list.
    reported_wh = sum(e.reading["active_power_import"] for e in emissions) * period / 3600
    resolution = 10 ** next(i.scaler for i in profile.lists[3].items if i.field == "active_energy_import")
    assert abs((imported[-1] - imported[0]) - reported_wh) <= 0.01 * reported_wh + resolution
