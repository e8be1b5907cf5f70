"""Readings and keys for the tests of encrypted and segmented meters: a meter's first lists, test keys."""

from meter_profiles import Profile, bundled_profiles
from simulator.codec.security import KeyRing, Keys
from simulator.meter import Meter, MeterClock
from simulator.readings import load_scenario

__all__ = ["ENCRYPTED", "KEYS", "RING", "emissions"]

# Test keys only: the DLMS examples' well-known pattern, never a real meter's.
KEYS = Keys(bytes(range(16)), bytes(range(0xD0, 0xE0)))
RING = KeyRing(default=KEYS)
ENCRYPTED = sorted(name for name, profile in bundled_profiles().items() if profile.security is not None)


def emissions(profile: Profile, count: int, start: str = "2026-03-02T08:59:30") -> list:
    """The first `count` lists the profile's meter sends from `start`, each list of the profile at least once if it can."""
    clock = MeterClock.starting_at(profile.clock, start)
    source = load_scenario("household-day").source(profile.phases, round(clock.start_utc.timestamp() * 1000), 1)
    meter = Meter(profile, source, clock, 1)
    return [meter.next_emission() for _ in range(count)]
