"""Frames for the gateware tests: one list 2 per bundled profile, and the reference captures."""

import tomllib
from pathlib import Path

from meter_profiles import bundled_profiles, get_profile
from simulator.codec import encode_frame

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1] / "captures" / "reference-frames.toml"
SAMPLE = HERE / "sample_reading.toml"
LIST = 2  # the 10-second list: every make sends it


def reference_frame(key: str) -> bytes:
    """One captured frame's bytes from captures/reference-frames.toml."""
    return bytes.fromhex(tomllib.loads(REFERENCE.read_text())[key]["hex"])


def profile_frame(name: str) -> bytes:
    """The list-2 frame the profile's meter sends for the sample reading."""
    profile = get_profile(name)
    values = tomllib.loads(SAMPLE.read_text())
    identity = {
        "list_version": profile.identity.list_version,
        "meter_id": profile.identity.meter_id,
        "meter_type": profile.identity.meter_type,
    }
    reading = {field: {**values, **identity}[field] for field in profile.lists[LIST].fields}
    if profile.apdu.datetime != "null":
        reading["meter_time"] = values["meter_time"]
    return encode_frame(profile, LIST, reading)


def profile_names() -> list[str]:
    """Every bundled profile that sends its list 2 as one plaintext HDLC frame.

    The gateware carries bytes and knows no link layer: ciphered, segmented and M-Bus meters
    (their lists are not one such frame) are the codec's and the firmware's tests.
    """
    return [name for name in bundled_profiles() if _one_plain_frame(get_profile(name))]


def _one_plain_frame(profile) -> bool:
    transport = profile.transport
    return (
        LIST in profile.lists
        and profile.security is None
        and transport.kind == "hdlc"
        and transport.max_info is None
        and transport.block_size is None
    )


def line_format(name: str) -> tuple[str, int]:
    """(parity letter, stop bits) of the profile's serial line."""
    serial = get_profile(name).serial
    return serial.parity, serial.stopbits
