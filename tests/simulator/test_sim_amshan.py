"""Frames from every scenario, on every profile, decode with the independent amshan decoder
to exactly the values the sent log says are behind them."""

import pytest

from meter_profiles import bundled_profiles
from simulator.readings import bundled_scenarios
from simulator.run import SentLog, run_meter
from tests.oracles import amshan_decode

from .support import MemoryLine

# 12:59 local: solar near its peak (export), and an hourly list at 13:00 within the two minutes.
START = "2024-06-14T12:59:00"
CASES = [(scenario, meter) for scenario in sorted(bundled_scenarios()) for meter in sorted(bundled_profiles())]


@pytest.mark.parametrize("scenario, meter", CASES)
def test_amshan_reads_the_values_in_the_sent_log(scenario, meter):
    profile = bundled_profiles()[meter]
    sent = SentLog()
    run_meter(profile, MemoryLine(profile.serial), scenario=scenario, start=START, duration_s=120, warp=None, sent_log=sent)
    assert {e["list"] for e in sent.entries} == set(profile.lists)
    for entry in sent.entries:
        assert amshan_decode(bytes.fromhex(entry["frame"])) == pytest.approx(entry["readings"], abs=1e-9)


def test_the_solar_house_exports_at_noon_and_the_others_do_not():
    profile = bundled_profiles()["aidon-6534"]
    exports = {}
    for scenario in ("solar-house", "household-day", "quiet-flat"):
        sent = SentLog()
        run_meter(profile, MemoryLine(profile.serial), scenario=scenario, start=START, duration_s=60, warp=None, sent_log=sent)
        exports[scenario] = [e["readings"].get("active_power_export") for e in sent.entries if e["list"] == 2]
    assert all(p > 0 for p in exports["solar-house"])
    assert all(p == 0 for p in exports["household-day"] + exports["quiet-flat"])
