"""The M-Bus line emulator's faults as plans: what the meter puts on a line that can make them, refused elsewhere.

Here a recording line stands in for the emulator, so what the injector and
transmit ask of it shows; tests/hardware/test_mbus_sim_faults.py sends the
same plans through the gateware to a reader.
"""

import pytest

from meter_profiles import get_profile
from simulator.faults import FaultError, load_plans
from simulator.lines import PtyLine, SerialLine
from simulator.run import SentLog, run_meter

from .support import RecordingLine

PROFILE = get_profile("kaifa-ma304h3e")


class RecordingEmulator(RecordingLine):
    """A line that can make bus faults and records each request in order."""

    makes_bus_faults = True

    def write_stretched(self, byte, bits):
        self.data.append(byte)
        self.events.append(("stretched", byte, bits))

    def glitch(self, bits):
        self.events.append(("glitch", bits))

    def power_off(self, seconds):
        self.events.append(("power-off", seconds))


def run(plan: str, duration_s: float = 120):
    line, sent = RecordingEmulator(PROFILE.serial), SentLog()
    stats = run_meter(
        PROFILE, line, scenario="fixed", duration_s=duration_s, warp=None, faults=load_plans(plan), sent_log=sent
    )
    return line.events, sent.entries, stats


def test_a_stretch_sends_one_byte_of_the_frame_with_a_long_start_bit():
    events, entries, _ = run("stretch@1", duration_s=20)
    stretched = [event for event in events if event[0] == "stretched"]
    assert len(stretched) == len(entries) == 10
    for entry, (_, byte, bits) in zip(entries, stretched, strict=True):
        assert bits == 1.0 and byte != 0 and not entry["expect_publish"]
        at = int(entry["faults"][0]["detail"].split()[4])  # "start bit of byte N (XX) held ..."
        assert bytes.fromhex(entry["frame"])[at] == byte


def test_a_glitch_comes_before_the_frame_which_a_reader_still_publishes():
    events, entries, _ = run("glitch@1", duration_s=20)
    assert [kind for kind, *_ in events] == ["glitch", "bytes"] * 10
    assert all(event == ("glitch", 0.75) for event in events[::2])
    assert all(entry["expect_publish"] for entry in entries)


def test_a_power_off_cuts_the_frame_and_keeps_the_lists_due_meanwhile_off_the_line():
    events, entries, stats = run("power-off")
    [cut] = [entry for entry in entries if entry["faults"]]
    assert cut["seq"] == 10 and not cut["expect_publish"]
    frame = bytes.fromhex(cut["frame"])
    assert len(frame) < (int.from_bytes(frame[1:3], "big") & 0x7FF) + 2  # shorter than its length field says
    assert events[events.index(("bytes", frame)) + 1] == ("power-off", 3.0)
    # Kaifa sends every 2 s: the slot 2 s after the cut falls inside the 3 s outage and is never sent.
    assert stats.faults["power-off"] == 2 and len(entries) == 59
    assert all(entry["expect_publish"] for entry in entries if entry is not cut)


@pytest.mark.parametrize("plan", ["stretch", "glitch", "power-off"])
@pytest.mark.parametrize(
    "line", [PtyLine(PROFILE.serial), SerialLine("/dev/ttyUSB0", PROFILE.serial)], ids=["pty", "serial"]
)
def test_bus_faults_are_refused_on_a_line_without_the_emulator(plan, line):
    with pytest.raises(FaultError) as error:
        run_meter(PROFILE, line, duration_s=10, warp=None, faults=load_plans(plan))
    assert str(error.value).startswith(f"fault {plan} needs the M-Bus line emulator (--line mbus-sim, or --line mbus")
    assert "\n" not in str(error.value)
