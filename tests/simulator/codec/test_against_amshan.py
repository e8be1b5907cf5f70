"""Frames the encoder builds, for every profile and list, read the same in an independent decoder."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meter_profiles import bundled_profiles
from simulator.codec import decode_frame, encode_frame
from simulator.codec.lists import scale
from tests.oracles import amshan_decode

PROFILE_LISTS = [(name, n) for name, profile in bundled_profiles().items() for n in sorted(profile.lists)]
RAW_RANGES = {
    "double-long-unsigned": (0, 2**32 - 1),
    "long-unsigned": (0, 2**16 - 1),
    "long": (-(2**15), 2**15 - 1),
}


@st.composite
def readings(draw, name: str, list_no: int) -> dict:
    """A reading this list can carry: register values anywhere in their type's range."""
    profile = bundled_profiles()[name]
    reading = profile.identity.model_dump()
    start = datetime(2000, 1, 1)
    reading["meter_time"] = (start + timedelta(seconds=draw(st.integers(0, 40 * 365 * 86400)))).isoformat()
    for item in profile.lists[list_no].items:
        if item.type in RAW_RANGES and item.field is not None:
            reading[item.field] = scale(draw(st.integers(*RAW_RANGES[item.type])), item.scaler)
    return reading


def _carried(reading: dict, name: str, list_no: int) -> dict:
    profile = bundled_profiles()[name]
    fields = set(profile.lists[list_no].fields) | ({"meter_time"} if profile.apdu.datetime != "null" else set())
    return {key: value for key, value in reading.items() if key in fields}


@pytest.mark.parametrize("name, list_no", PROFILE_LISTS, ids=[f"{n}-list{number}" for n, number in PROFILE_LISTS])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_encoded_frame_reads_the_same_in_amshan_and_in_ours(name, list_no, data):
    reading = data.draw(readings(name, list_no))
    frame = encode_frame(bundled_profiles()[name], list_no, reading)
    expected = _carried(reading, name, list_no)
    assert amshan_decode(frame) == pytest.approx(expected)
    ours = decode_frame(frame)
    assert ours["list"] == list_no and ours["meter"].split("-")[0] == name.split("-")[0]
    assert {k: v for k, v in ours.items() if k not in ("meter", "list")} == expected
