"""The emulated lx106 board's images, and every recorded frame as one capture: what its tests and benchmark feed it."""

import tomllib
from pathlib import Path

from bench.dut import qemu as qemu_dut

from .build_lock import FIRMWARE, locked

__all__ = ["build_images", "write_every_frame"]

CAPTURES = FIRMWARE.parent / "captures"


def build_images() -> Path:
    """Configure and build the emulated lx106 board's images (one builder at a time); returns the folder holding them."""
    with locked(qemu_dut.BUILD):
        qemu_dut.build_lx106(qemu_dut.BUILD / "build.log")
    return qemu_dut.BUILD / "lx106"


def write_every_frame(path: Path) -> int:
    """Every captured frame (the meters' logs, then the reference frames) as one capture file; how many."""
    lines = [
        line
        for log in sorted(CAPTURES.glob("*.log"))
        for line in log.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    reference = tomllib.loads((CAPTURES / "reference-frames.toml").read_text())
    lines += [entry["hex"] for entry in reference.values()]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)
