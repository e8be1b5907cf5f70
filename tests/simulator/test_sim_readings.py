"""Readings that hang together like a household's, reproducibly, at the meter's resolution."""

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from meter_profiles import get_profile
from simulator.meter import Meter, MeterClock
from simulator.readings import ScenarioError, load_scenario

OSLO = ZoneInfo("Europe/Oslo")


def lists(meter, scenario, start="2024-01-15T16:59:00", count=40, seed=1):
    profile = get_profile(meter)
    clock = MeterClock.starting_at(profile.clock, start)
    source = load_scenario(scenario).source(profile.phases, round(clock.start_utc.timestamp() * 1000), seed)
    m = Meter(profile, source, clock, seed)
    return [m.next_emission() for _ in range(count)]


def list2(meter, scenario, **kw):
    return [e.reading for e in lists(meter, scenario, **kw) if e.list_no == 2]


def mean_power(scenario: str, hour: int) -> float:
    source = load_scenario(scenario).source(3, 0)
    start = int(datetime(2024, 1, 15, hour, tzinfo=OSLO).timestamp() * 1000)
    return sum(source.state(start + 10_000 * n).active for n in range(360)) / 360


def test_fixed_values_follow_p_equals_u_i_cos_phi():
    for reading in list2("kaifa-ma304h4", "fixed"):
        assert reading["active_power_import"] == 1500 and reading["active_power_export"] == 0
        assert reading["reactive_power_import"] == round(1500 * math.tan(math.acos(0.95)))
        for phase in (1, 2, 3):
            assert reading[f"voltage_l{phase}"] == 230.0
            assert reading[f"current_l{phase}"] == round(500 / (230 * 0.95), 3)


def test_every_phase_agrees_and_voltages_sit_near_230():
    source = load_scenario("household-day").source(3, 0)
    for n in range(0, 86_400_000, 600_000):
        state = source.state(1_700_000_000_000 + n)
        for p, q, u, i in zip(state.p, state.q, state.u, state.currents):
            assert u * i == pytest.approx(math.hypot(p, q))
            assert 222 < u < 240


def test_a_household_cooks_at_five_and_is_quiet_at_three():
    assert mean_power("household-day", 17) > 2 * mean_power("household-day", 3) > 0
    assert mean_power("quiet-flat", 17) < mean_power("household-day", 17)


def test_scenarios_are_reproducible_and_seeded():
    assert list2("aidon-6534", "household-day") == list2("aidon-6534", "household-day")
    assert list2("aidon-6534", "household-day") != list2("aidon-6534", "household-day", seed=2)


def test_a_value_does_not_depend_on_where_the_run_started():
    early = {
        e.meter_time: e.reading
        for e in lists("kamstrup-6841121", "household-day", start="2024-01-15T16:50:00", count=80)
    }
    late = {
        e.meter_time: e.reading
        for e in lists("kamstrup-6841121", "household-day", start="2024-01-15T17:00:00", count=20)
    }
    shared = [t for t in late if t in early and "active_energy_import" not in late[t]]
    assert len(shared) > 10 and all(early[t] == late[t] for t in shared)


def test_the_it_grid_kaifa_sends_u2_zero_and_the_three_wire_aidon_no_i2():
    assert all(r["voltage_l2"] == 0 and r["voltage_l1"] > 200 for r in list2("kaifa-ma304h3e", "household-day"))
    assert all("current_l2" not in r and "current_l3" in r for r in list2("aidon-6525", "household-day"))
    assert all(r["voltage_l2"] > 200 for r in list2("kaifa-ma304h4", "household-day"))


def test_single_phase_meters_carry_phase_one_only():
    for meter in ("kamstrup-6861111", "aidon-6515", "kaifa-ma105h2e"):
        for reading in list2(meter, "household-day"):
            assert "current_l1" in reading and not {"current_l2", "voltage_l3"} & set(reading)


@pytest.mark.parametrize(
    "meter, field, step",
    [
        ("kaifa-ma304h4", "current_l1", 0.001),
        ("aidon-6534", "current_l1", 0.1),
        ("aidon-6534", "voltage_l1", 0.1),
        ("kamstrup-6841121", "voltage_l1", 1),
        ("kamstrup-6841121", "current_l1", 0.01),
    ],
)
def test_values_are_quantised_to_what_the_meter_can_send(meter, field, step):
    values = [r[field] for r in list2(meter, "household-day")]
    assert all(abs(v / step - round(v / step)) < 1e-6 for v in values)
    assert len(set(values)) > 1 or meter.startswith("kamstrup")


def test_kamstrup_energy_comes_in_tens_of_watt_hours():
    hourly = [
        e.reading
        for e in lists("kamstrup-6841121", "household-day", start="2024-01-15T16:59:50", count=3)
        if e.list_no == 3
    ]
    assert hourly and all(hourly[0][k] % 10 == 0 for k in hourly[0] if k.endswith("energy_import"))


def test_a_csv_day_repeats_and_a_csv_run_holds_its_last_row(tmp_path):
    assert mean_power("ev-charging", 23) > 7000 > mean_power("ev-charging", 12)
    csv = tmp_path / "steps.csv"
    csv.write_text("seconds,active_power_import,active_power_export\n0,500,0\n60,0,2000\n")
    source = load_scenario(f"csv:{csv}").source(1, 1_000_000)
    assert [round(source.state(1_000_000 + s * 1000).active) for s in (0, 59, 60, 3600)] == [500, 500, -2000, -2000]


def test_a_bad_csv_says_which_columns_it_needs(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("when,watts\n0,5\n")
    with pytest.raises(
        ScenarioError, match=r"header must have a time \(HH:MM:SS\) or seconds column and active_power_import"
    ):
        load_scenario(f"csv:{csv}").source(1, 0)


def test_a_capture_scenario_replays_the_recorded_values():
    powers = {r["active_power_import"] for r in list2("kaifa-ma304h3e", "kaifa-capture", count=200)}
    assert powers and all(800 < p < 4000 for p in powers) and len(powers) > 3


def test_unknown_and_invalid_scenarios_are_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="unknown scenario 'housholdday': did you mean household-day"):
        load_scenario("housholdday")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ndescription = "x"\nkind = "household"\n[[load]]\nname = "a"\nwatts = -5\n')
    with pytest.raises(ScenarioError, match=r"bad.toml: load.0.watts: Input should be greater than 0"):
        load_scenario(str(bad))
