"""The list templates of the frame encoder give encode_frame's bytes and errors, for every bundled list."""

import pytest

from meter_profiles import bundled_profiles, get_profile
from simulator.codec import FrameError, encode_frame
from simulator.codec.encoder import FrameEncoder
from tests.simulator.codec.variants import sample_reading

LISTS = [(name, list_no) for name, profile in sorted(bundled_profiles().items()) for list_no in sorted(profile.lists)]


def _readings(profile, list_no: int) -> list[dict]:
    """A list's sample reading, then the same list with every number and the clock changed frame by frame."""
    first = sample_reading(profile, list_no)
    readings = [first]
    for step in range(1, 6):
        reading = dict(first, meter_time=f"2026-03-29T0{step}:59:5{step}")
        for field, value in first.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                reading[field] = value * (step + 1) + (0.5 if isinstance(value, float) else 3)
        readings.append(reading)
    return readings


@pytest.mark.parametrize(("name", "list_no"), LISTS)
def test_every_list_encodes_to_encode_frames_bytes(name, list_no):
    profile = get_profile(name)
    encoder = FrameEncoder(profile)
    for reading in _readings(profile, list_no):
        assert encoder.encode(list_no, reading) == encode_frame(profile, list_no, reading)
    assert list(encoder._templates.values()) != [None]  # the frames were packed through a template, not encode_frame


def test_another_identity_gets_a_template_of_its_own():
    profile = get_profile("kaifa-ma304h3e")
    list_no = max(profile.lists)  # the lists that carry the meter's identity strings
    encoder = FrameEncoder(profile)
    reading = sample_reading(profile, list_no)
    other = dict(reading, meter_id="7359992890941742")
    assert encoder.encode(list_no, reading) == encode_frame(profile, list_no, reading)
    assert encoder.encode(list_no, other) == encode_frame(profile, list_no, other)
    assert encoder.encode(list_no, other) != encoder.encode(list_no, reading)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("active_power_import"), "reading has no active_power_import"),
        (lambda r: r.update(active_power_import=2**40), "does not fit"),
        (lambda r: r.update(meter_time="not a time"), "meter_time must be ISO 8601"),
    ],
    ids=["missing field", "out of range", "bad clock"],
)
def test_a_reading_a_template_cannot_take_gets_encode_frames_error(change, message):
    profile = get_profile("kaifa-ma304h3e")  # its header carries the clock
    list_no = min(profile.lists)
    encoder = FrameEncoder(profile)
    encoder.encode(list_no, sample_reading(profile, list_no))  # the template exists
    reading = sample_reading(profile, list_no)
    change(reading)
    with pytest.raises(FrameError, match=message):
        encoder.encode(list_no, reading)


def test_a_list_the_profile_does_not_send_is_refused_as_encode_frame_refuses_it():
    encoder = FrameEncoder(get_profile("kamstrup-6841121"))
    with pytest.raises(FrameError, match="sends no list 9"):
        encoder.encode(9, {})
