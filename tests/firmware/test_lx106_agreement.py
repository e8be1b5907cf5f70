"""The host build and the lx106 image publish the same bytes for every captured frame.

tools/hanreplay runs each frame of every capture (the real meters' logs and the
reference frames) through ReaderApp against a scripted broker and writes every byte
the reader sends it; the same source runs as x86 code and as lx106 code in
qemu-system-xtensa. One emulator process per output format, all frames batched.
"""

import subprocess
from pathlib import Path

import pytest

from bench.dut.qemu import qemu_argv
from firmware.tools.lx106 import write_every_frame

FORMATS = ["classic", "per-value", "homeassistant", "raw"]
EMULATOR_TIMEOUT_S = 240  # about 10 s per format on an idle core; two workers on two busy cores


@pytest.fixture(scope="module")
def every_frame(tmp_path_factory) -> tuple[Path, int]:
    """Every captured frame in one capture file, and how many there are."""
    path = tmp_path_factory.mktemp("captures") / "every-frame.log"
    return path, write_every_frame(path)


def first_difference(a: bytes, b: bytes) -> int:
    """The offset of the first byte where a and b differ (the shorter length when one is a prefix)."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


@pytest.mark.parametrize("output_format", FORMATS)
def test_lx106_image_sends_the_broker_what_the_host_build_sends(
    output_format, firmware_build, lx106_build, every_frame, tmp_path
):
    capture, frames = every_frame
    host_out, lx106_out = tmp_path / "host.bin", tmp_path / "lx106.bin"
    host = subprocess.run(
        [str(firmware_build / "hanreplay"), output_format, str(capture), str(host_out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    emulated = subprocess.run(
        qemu_argv(lx106_build / "hanreplay-lx106.elf", [output_format, str(capture), str(lx106_out)]),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=EMULATOR_TIMEOUT_S,
    )
    assert host.returncode == 0, host.stderr
    assert emulated.returncode == 0, emulated.stdout + emulated.stderr
    assert f"hanreplay: {frames} frames" in host.stderr
    assert f"hanreplay: {frames} frames" in emulated.stdout  # the image's stderr is the semihosting console
    expected, got = host_out.read_bytes(), lx106_out.read_bytes()
    assert len(expected) > 50 * frames, "the reader published less than a message per frame"
    offset = first_difference(expected, got)
    assert expected == got, (
        f"{output_format}: the lx106 image's bytes differ from offset {offset}: "
        f"host {expected[offset : offset + 32].hex()} lx106 {got[offset : offset + 32].hex()}"
    )
