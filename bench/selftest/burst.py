"""The HAN receive check's frames: every list of each make's meter, built by the simulator's codec.

The station keeps the readings behind each frame: the values the board must
publish are what was encoded, never what some decoder makes of the frame.
"""

from dataclasses import dataclass

from meter_profiles import TEXT_FIELDS, Profile, get_profile
from simulator.codec import encode_frame
from simulator.run.sentlog import SentValues

from .datafiles import Burst, MakeBurst

__all__ = ["TestFrame", "bad_fcs_frames", "corrupt_fcs", "make_frames"]


@dataclass(frozen=True)
class TestFrame:
    """One frame for the line, the serial setting it goes out at, and the reading behind it."""

    meter: str
    list_no: int
    serial: str
    header_time: str
    reading: dict
    data: bytes

    def as_sent(self) -> SentValues:
        """The frame as the bench's checker compares it (the values part of a sent-log entry)."""
        return SentValues(meter=self.meter, list=self.list_no, meter_time=self.header_time, readings=dict(self.reading))


def _at_resolution(profile: Profile, list_no: int, values: dict) -> dict:
    """The make's values for the fields this list carries, each on the meter's own step."""
    reading = {}
    for item in profile.lists[list_no].items:
        if item.field is None or item.field in TEXT_FIELDS or item.field not in values:
            continue
        step = 10.0**item.scaler
        value = round(values[item.field] / step) * step
        reading[item.field] = round(value, -item.scaler) if item.scaler < 0 else int(value)
    return reading


def _reading(profile: Profile, list_no: int, make: MakeBurst, values: dict) -> dict:
    fields = {item.field for item in profile.lists[list_no].items if item.field}
    identity = {
        name: getattr(profile.identity, name) for name in ("list_version", "meter_id", "meter_type") if name in fields
    }
    clock = {"meter_time": make.meter_time} if "meter_time" in fields else {}
    return {**identity, **_at_resolution(profile, list_no, values), **clock}


def _frame(profile: Profile, list_no: int, make: MakeBurst, values: dict) -> TestFrame:
    reading = _reading(profile, list_no, make, values)
    # Every frame's header carries the send time, whether or not its list carries a clock item.
    data = encode_frame(profile, list_no, {**reading, "meter_time": make.meter_time})
    return TestFrame(profile.name, list_no, profile.serial.name, make.meter_time, reading, data)


def make_frames(make: MakeBurst) -> list[TestFrame]:
    """Each list the make's meter sends, once, in list order."""
    profile = get_profile(make.profile)
    return [_frame(profile, list_no, make, make.values) for list_no in sorted(profile.lists)]


def corrupt_fcs(frame: bytes) -> bytes:
    """The frame with its FCS's low byte inverted: what a burst of line noise on the checksum does."""
    # The FCS is the two bytes before the closing flag; the corrupted byte must not become a flag itself.
    flipped = frame[-3] ^ 0xFF if frame[-3] != 0x81 else 0x80
    return frame[:-3] + bytes((flipped,)) + frame[-2:]


def bad_fcs_frames(burst: Burst) -> tuple[TestFrame, TestFrame]:
    """The corrupted frame (its FCS broken on the line) and the clean one that follows it."""
    make = burst.make_named(burst.bad_fcs.make)
    profile = get_profile(make.profile)
    bad = _frame(profile, burst.bad_fcs.list, make, {**make.values, "active_power_import": burst.bad_fcs.bad_power})
    good = _frame(profile, burst.bad_fcs.list, make, {**make.values, "active_power_import": burst.bad_fcs.good_power})
    return TestFrame(bad.meter, bad.list_no, bad.serial, bad.header_time, bad.reading, corrupt_fcs(bad.data)), good
