"""The serial detector covers 2400, 9600 and 115200 baud at 8E1 and 8N1: noise with no frame
moves it on, parity fastest, and the host's tty is set to each rate (a pty keeps the rate in
its termios, though it carries bytes at any); a good frame locks it, and a fixed rate stays."""

import termios

from tests.firmware.harness import FIRMWARE, capture_frames, found, start_rig

# Bytes with no HDLC flag, M-Bus start or 0xFF: what a reader hears at the wrong rate, as
# many as move the detector on once (SerialDetector::kNoiseBytesToSwitch).
NOISE_TO_SWITCH = int(found(r"kNoiseBytesToSwitch = (\d+);", (FIRMWARE / "core/serial_detect.h").read_text())[1])
NOISE = bytes(0x80 + n % 0x70 for n in range(NOISE_TO_SWITCH))
SPEEDS = {termios.B2400: 2400, termios.B9600: 9600, termios.B115200: 115200}


def tty_rate(rig) -> int:
    """The rate the reader set on its end of the pty."""
    return SPEEDS[termios.tcgetattr(rig.line.slave)[4]]


def test_noise_moves_the_detector_through_every_rate_and_a_frame_locks_it(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--serial", "auto", "--baud", "auto")
    steps = [
        "8N1 at 2400",
        "8E1 at 9600",
        "8N1 at 9600",
        "8E1 at 115200",
        "8N1 at 115200",
        "8E1 at 2400",
        "8N1 at 2400",
        "8E1 at 9600",
    ]
    try:
        for step in steps:
            at = len(rig.reader.log_text())
            rig.line.write(NOISE)
            rig.reader.wait_log(f"serial auto: trying {step} baud", 5, after=at)
            assert tty_rate(rig) == int(step.split(" at ")[1])
        rig.publishes(capture_frames("kaifa-ma304h3e-2017-09-14.log")[0], "a good frame at the rate reached")
        rig.reader.wait_log("serial auto: locked at 8E1, 9600 baud", 5)
        (status,) = rig.reader.command("status")
        assert " serial=8E1 baud=9600 " in status, status
        at = len(rig.reader.log_text())
        rig.line.write(NOISE * 3)  # locked: noise alone no longer moves it
        rig.reader.wait_log("garbage bytes", 5, after=at)
        assert "serial auto: trying" not in rig.reader.log_text()[at:]
    finally:
        assert rig.close() == 0


def test_a_fixed_rate_and_parity_stay_whatever_the_line_carries(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--serial", "8N1", "--baud", "115200")
    try:
        assert tty_rate(rig) == 115200
        rig.line.write(NOISE * 3)
        rig.reader.wait_log("garbage bytes", 5)
        (status,) = rig.reader.command("status")
        assert " serial=8N1 baud=115200 " in status, status
        assert "serial auto" not in rig.reader.log_text()
    finally:
        assert rig.close() == 0


def test_a_rate_the_detector_does_not_cover_is_refused_in_one_line(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path)
    try:
        assert rig.reader.command("config set baud 19200") == [
            'error: baud must be one of auto, 2400, 9600, 115200, not "19200"'
        ]
        assert rig.reader.command("config set baud 9600") == ["ok baud=9600"]
        assert tty_rate(rig) == 9600
    finally:
        assert rig.close() == 0
