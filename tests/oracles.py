"""Independent oracles for the tests: decoders we did not write.

amshan (imported as `han`) decodes HAN frames on its own; its names are
mapped here to the canonical ones, so a test can compare our encoder's frames
against a second opinion.
"""

import tomllib
from datetime import datetime
from pathlib import Path

from han import autodecoder, hdlc

__all__ = ["REFERENCE", "amshan_decode", "reference_reading"]

# The decoded reference frames (captures/reference-frames.toml): a decoder we did not write, written down.
REFERENCE = tomllib.loads((Path(__file__).parents[1] / "captures" / "reference-frames.toml").read_text())

# amshan's names, which the reference file uses too, for the values whose canonical names differ.
_AMSHAN_NAMES = {
    "list_ver_id": "list_version",
    "active_power_import_total": "active_energy_import",
    "active_power_export_total": "active_energy_export",
    "reactive_power_import_total": "reactive_energy_import",
    "reactive_power_export_total": "reactive_energy_export",
}


def amshan_decode(frame: bytes) -> dict:
    """The canonical fields amshan finds in one whole frame (meter_time as ISO without zone)."""
    reader = hdlc.HdlcFrameReader(False)
    frames = reader.read(frame)
    assert len(frames) == 1 and frames[0].is_good_ffc, "amshan did not accept the frame"
    payload = frames[0].payload
    assert payload is not None, "amshan found no payload in the frame"
    decoded = autodecoder.AutoDecoder().decode_message_payload(payload)
    assert decoded is not None, "amshan could not decode the frame's payload"
    reading: dict[str, object] = {}
    for name, value in decoded.items():
        if name == "meter_manufacturer":
            continue
        if name == "meter_datetime":
            assert isinstance(value, datetime), f"amshan's meter_datetime is a datetime, not {value!r}"
            reading["meter_time"] = value.replace(tzinfo=None).isoformat()
            continue
        reading[_AMSHAN_NAMES.get(name, name)] = value
    return reading


def reference_reading(name: str) -> dict:
    """A reference frame's decoded values under the canonical names, exactly as the file gives them."""
    return {_AMSHAN_NAMES.get(key, key): value for key, value in REFERENCE[name]["values"].items()}
