"""Reference frames for the gateware tests, from captures/reference-frames.toml."""

import tomllib
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "captures" / "reference-frames.toml"


def reference_frames() -> dict[str, bytes]:
    """Every reference frame by its key (one per make and list)."""
    table = tomllib.loads(REFERENCE.read_text())
    return {key: bytes.fromhex(entry["hex"]) for key, entry in table.items()}


def reference_frame(key: str) -> bytes:
    """One reference frame's bytes."""
    return reference_frames()[key]


def frame_format(key: str) -> tuple[str, int]:
    """Kamstrup sends 8N1, Kaifa and Aidon 8E1 (HAN-FACTS.md)."""
    return ("N", 1) if key.startswith("kamstrup") else ("E", 1)
