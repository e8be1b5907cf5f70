"""The fault plans of encrypted and segmented meters: a correct reader gets exactly what the sent log
expects, a stand-in reader that ignores the fault does not, and a plan that means nothing for a meter is refused."""

from dataclasses import replace
from functools import cache

import pytest

from meter_profiles import get_profile
from simulator.codec import FrameError
from simulator.codec.link import LinkDecoder
from simulator.codec.security import decipher_apdu
from simulator.codec.segments import Reassembler, split_frames
from simulator.faults import FaultError, Injector, load_plans
from simulator.run import SentLog, run_meter
from tests.simulator.codec.link_support import KEYS, RING

from .support import MemoryLine


class NoCounterCheck(LinkDecoder):
    """Deciphers every frame whatever its counter: a replay or a reset meter's old counters pass."""

    def _decipher(self, ciphered):
        return decipher_apdu(ciphered, self._keys_for(ciphered.system_title))


class NoTagCheck(LinkDecoder):
    """Deciphers without checking the authentication tag."""

    def _decipher(self, ciphered):
        untagged = replace(ciphered, control=ciphered.control & ~0x10, payload=ciphered.payload[:-12])
        return decipher_apdu(untagged, self._keys_for(ciphered.system_title))


class StaleRepeat(LinkDecoder):
    """Publishes its last good values again when a list fails, the field's classic stale repeat."""

    last = None

    def feed(self, frame):
        try:
            reading = super().feed(frame)
        except FrameError:
            return self.last
        self.last = reading or self.last
        return reading


class NeverRestarts(LinkDecoder):
    """Joins pieces until one without the segmentation bit, never starting afresh on a new list's first piece."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._hdlc = Reassembler(llc_header=b"\xff" * 8)


CASES = [
    # plan, meter, a stand-in reader that ignores what the plan does
    ("wrong-key", "kamstrup-omnipower-dk", StaleRepeat),
    ("bad-tag", "kamstrup-omnipower-dk", NoTagCheck),
    ("counter-reset", "kamstrup-omnipower-dk", NoCounterCheck),
    ("counter-repeat", "kaifa-ma309m-at", NoCounterCheck),
    ("wrong-key", "kaifa-ma309m-at", StaleRepeat),
    ("lost-segment", "aidon-6534-se", NeverRestarts),
    ("repeated-segment", "aidon-6534-se", StaleRepeat),
    ("reordered-segment", "aidon-6534-se", NeverRestarts),
]


@cache
def plan_run(plan: str, meter: str):
    """Twenty meter minutes of one meter under one plan, the line's bytes kept: sent log entries and bytes."""
    profile = get_profile(meter)
    line, sent = MemoryLine(profile.serial), SentLog()
    with line:
        stats = run_meter(
            profile,
            line,
            scenario="household-day",
            start="2026-03-02T08:50:00",
            duration_s=1200,
            warp=None,
            faults=load_plans(plan),
            sent_log=sent,
            keys=KEYS,
        )
    assert sum(stats.faults.values()) > 0, f"plan {plan} applied no fault to {meter}"
    return sent.entries, bytes(line.data)


def published(reader: LinkDecoder, data: bytes) -> list[dict]:
    """What a reader publishes from the line's bytes: the readings of the lists it accepts."""
    out = []
    for frame in split_frames(data):
        try:
            reading = reader.feed(frame)
        except FrameError:
            continue
        if reading is not None:
            out.append({key: value for key, value in reading.items() if key not in ("meter", "list", "security")})
    return out


@pytest.mark.parametrize("plan, meter, stand_in", CASES, ids=[f"{p}-{m}" for p, m, _ in CASES])
def test_a_correct_reader_passes_and_one_that_ignores_the_fault_fails(plan, meter, stand_in):
    entries, data = plan_run(plan, meter)
    expected = [entry["readings"] for entry in entries if entry["expect_publish"]]
    assert 0 < len(expected) < len(entries)
    assert published(LinkDecoder(keys=RING), data) == expected
    assert published(stand_in(keys=RING), data) != expected


def test_after_a_counter_reset_the_reader_refuses_until_the_counter_passes_the_highest():
    entries, _ = plan_run("counter-reset", "kamstrup-omnipower-dk")
    refused = [entry["seq"] for entry in entries if not entry["expect_publish"]]
    assert refused == list(range(20, 30))  # counters 11..20 again after 1..20; 21 is new
    assert {f["name"] for e in entries[20:30] for f in e["faults"]} == {"counter-reset", "stale-counter"}


@pytest.mark.parametrize(
    "plan, meter, message",
    [
        ("wrong-key", "kaifa-ma304h3e", "fault wrong-key needs an encrypted meter; kaifa-ma304h3e sends plaintext"),
        (
            "bad-tag",
            "kaifa-ma309m-at",
            "fault bad-tag needs authenticated frames; kaifa-ma309m-at encrypts without a tag",
        ),
        ("duplicate", "kamstrup-omnipower-dk", "a reader rightly refuses the second copy .* use counter-repeat"),
        ("lost-segment", "kamstrup-6841121", "fault lost-segment needs a meter that sends lists in pieces"),
    ],
)
def test_a_plan_that_means_nothing_for_the_meter_is_refused(plan, meter, message):
    profile = get_profile(meter)
    with pytest.raises(FaultError, match=message):
        Injector(load_plans(plan), profile).check_line(MemoryLine(profile.serial))
