"""The reader's lx106 machine code on an emulated ESP8266 CPU (--dut qemu).

`qemu-system-xtensa -M sim -cpu lx106` runs firmware/build-lx106/lx106/hanreader-lx106.elf:
the core compiled by the ESP8266 build's compiler with its flags, over a board layer
on semihosting (firmware/lx106/). The image reads the simulator's pty as its meter
UART, reaches the broker through a pty this DUT bridges to TCP (qemu_link.py), and
reads its settings from a file in a private folder, so no secret is on a command line
or in the run folder. The semihosting console (log and console) is the DUT's log.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import DutError
from ..process import tail
from .base import CONNECTED_PATTERN, Wiring
from .command import REPO_ROOT, CommandDut
from .qemu_link import LinkBridge

__all__ = ["QEMU", "QemuDut", "build_lx106", "qemu_argv"]

QEMU = "qemu-system-xtensa"
FIRMWARE = REPO_ROOT / "firmware"
BUILD = FIRMWARE / "build-lx106"
IMAGE = BUILD / "lx106" / "hanreader-lx106.elf"
# A locally administered MAC (bit 1 of the first byte set, as no vendor's is), in the
# form the board's id takes, so the station's limits hold the emulated board as a board.
DEVICE_ID = "02:00:00:00:01:06"
_STACK_LINE = re.compile(rb"stack high-water (\d+) of (\d+) bytes")


def qemu_argv(image: Path, arguments: list[str], icount: int | None = None) -> list[str]:
    """The emulator's command line for an lx106 image and its semihosting arguments (argv[0] is the image's name)."""
    config = ",".join(["enable=on", *(f"arg={argument}" for argument in [image.stem, *arguments])])
    timing = ["-icount", f"shift={icount}"] if icount is not None else []
    return [
        QEMU,
        "-M",
        "sim",
        "-cpu",
        "lx106",
        "-display",
        "none",
        "-monitor",
        "none",
        "-serial",
        "stdio",
        "-semihosting-config",
        config,
        *timing,
        "-kernel",
        str(image),
    ]


def build_lx106(log_path: Path) -> None:
    """Configure and build the lx106 images with the xtensa toolchain; DutError with the log's tail on failure."""
    for tool in (QEMU, "xtensa-lx106-elf-g++"):
        if shutil.which(tool) is None:
            raise DutError(
                f"{tool} is not installed; install qemu-system-misc, gcc-xtensa-lx106 and "
                "picolibc-xtensa-lx106-elf (apt-get install -y ...) for --dut qemu"
            )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        for step in (
            ["cmake", "-S", FIRMWARE, "-B", BUILD, "-DCMAKE_TOOLCHAIN_FILE=lx106/lx106-toolchain.cmake"],
            ["cmake", "--build", BUILD, "-j2"],
        ):
            if subprocess.run([str(s) for s in step], stdout=log, stderr=subprocess.STDOUT).returncode:
                raise DutError(
                    f"building the lx106 image failed ({' '.join(map(str, step))}); "
                    f"last lines of {log_path}:\n{tail(log_path)}"
                )


def settings_text(wiring: Wiring, extra: dict[str, str] | None = None) -> str:
    """The board's settings file for a wiring: what the host build takes as flags."""
    lines = {
        "serial": wiring.serial,
        "mqtt_host": wiring.broker.host,
        "mqtt_port": wiring.broker.port,
        "topic": wiring.topic,
        **(extra or {}),
    }
    if wiring.broker.username:
        lines.update(mqtt_user=wiring.broker.username, mqtt_password=wiring.broker.password or "")
    for key, value in lines.items():
        if any(c in str(value) for c in "\r\n"):
            # The value is not shown: it may be the broker's password.
            raise DutError(
                f"the qemu board's {key} must be one line: it holds a line break, which would add "
                "a line to its settings file"
            )
    return "".join(f"{key}={value}\n" for key, value in lines.items())


class QemuDut(CommandDut):
    """The lx106 image in qemu-system-xtensa, its broker link bridged, judged like the host build."""

    kind = "qemu"

    # Settings beyond the wiring's (the station's stand-in temperature).
    extra_settings: dict[str, str] = {}

    def __init__(self, run_dir: Path, image: Path | None = None, connected_pattern: str = CONNECTED_PATTERN):
        self.image = Path(image or IMAGE)
        super().__init__(run_dir, QEMU, connected_pattern)
        self._bridge: LinkBridge | None = None
        self._private: tempfile.TemporaryDirectory | None = None

    def argv(self, wiring: Wiring) -> list[str]:
        """The emulator's command line: the meter pty, the link pty and the settings file as the image's arguments."""
        if self._bridge is None:
            raise DutError("the link bridge is not up: the emulator is started by start()")
        return qemu_argv(self.image, [wiring.tty, self._bridge.path, str(self.settings_path), DEVICE_ID])

    @property
    def settings_path(self) -> Path:
        """The board's settings file (in a folder only this user can read)."""
        if self._private is None:
            raise DutError("the board has no settings folder yet: it is made by build()")
        return Path(self._private.name) / "settings.txt"

    def _build(self) -> None:
        if not self.image.exists():
            build_lx106(self.run_dir / "firmware-lx106-build.log")

    def _launch(self, wiring: Wiring) -> None:
        self._prepare(wiring)
        super()._launch(wiring)

    def _prepare(self, wiring: Wiring) -> None:
        """The settings file and the broker link the image opens at boot."""
        if self._private is None:
            self._private = tempfile.TemporaryDirectory(prefix="hanbench-qemu-")
        self.settings_path.write_text(settings_text(wiring, self.extra_settings))
        self._bridge = LinkBridge().start()

    def _halt(self) -> None:
        super()._halt()
        self._close_bridge()

    def kill(self) -> None:
        """Kill the emulator at once, as a power cut would."""
        super().kill()
        self._close_bridge()

    def stop(self) -> None:
        """Stop the emulator and forget the settings file."""
        super().stop()
        if self._private is not None:
            self._private.cleanup()
            self._private = None

    def restart(self) -> None:
        """Power the board off and on again; its settings file stays."""
        self._require("started", "connected", "publishing", doing="restart")
        self._halt()
        self.state = "stopped"
        self.start(self._wired())

    def stack_high_water(self) -> int | None:
        """The deepest the image's loop stack went, in bytes, from its last report in the log (None before one)."""
        found = _STACK_LINE.findall(self.log_path.read_bytes()) if self.log_path.exists() else []
        return max(int(used) for used, _ in found) if found else None

    def _close_bridge(self) -> None:
        if self._bridge is not None:
            self._bridge.close()
            self._bridge = None
