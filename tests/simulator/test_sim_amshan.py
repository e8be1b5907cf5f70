"""Frames from every scenario, on every profile, decode with the independent amshan decoder
to exactly the values the sent log says are behind them. amshan reads plaintext lists in one
frame: of a meter that ciphers or splits its lists it reads the plaintext list inside (the
ciphering itself is held to dlms-cosem in tests/simulator/codec/test_security.py)."""

import pytest

from meter_profiles import bundled_profiles
from meter_profiles.schema import TransportSettings
from simulator.codec import encode_frame
from simulator.readings import bundled_scenarios
from simulator.run import SentLog, run_meter
from tests.oracles import amshan_decode
from tests.simulator.codec.link_support import KEYS

from .support import MemoryLine

# 12:59 local: solar near its peak (export), and an hourly list at 13:00 within the two minutes.
START = "2024-06-14T12:59:00"
CASES = [(scenario, meter) for scenario in sorted(bundled_scenarios()) for meter in sorted(bundled_profiles())]
LINKED = sorted(name for name, p in bundled_profiles().items() if p.security or p.transport != TransportSettings())


@pytest.mark.parametrize("scenario, meter", CASES)
def test_amshan_reads_the_values_in_the_sent_log(scenario, meter):
    profile = bundled_profiles()[meter]
    sent = SentLog()
    run_meter(
        profile,
        MemoryLine(profile.serial),
        scenario=scenario,
        start=START,
        duration_s=120,
        warp=None,
        sent_log=sent,
        keys=KEYS,
    )
    assert {e["list"] for e in sent.entries} == set(profile.lists)
    for entry in sent.entries:
        frame = bytes.fromhex(entry["frame"])
        if meter in LINKED:
            frame = encode_frame(profile, entry["list"], entry["readings"])  # the plaintext list inside
        assert amshan_decode(frame) == pytest.approx(entry["readings"], abs=1e-9)


def test_the_solar_house_exports_at_noon_and_the_others_do_not():
    profile = bundled_profiles()["aidon-6534"]
    exports = {}
    for scenario in ("solar-house", "household-day", "quiet-flat"):
        sent = SentLog()
        run_meter(
            profile, MemoryLine(profile.serial), scenario=scenario, start=START, duration_s=60, warp=None, sent_log=sent
        )
        exports[scenario] = [e["readings"]["active_power_export"] for e in sent.entries if e["list"] == 2]
    assert all(p > 0 for p in exports["solar-house"])
    assert all(p == 0 for p in exports["household-day"] + exports["quiet-flat"])
