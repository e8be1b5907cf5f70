"""Devices under test: the host build, the lx106 image in an emulator, any reader command, a board on a USB rig."""

from pathlib import Path

from ..errors import DutError
from .base import CONNECTED_PATTERN, Dut, Wiring
from .command import CommandDut, HostDut
from .qemu import QemuDut
from .rig import RigDut

__all__ = ["CONNECTED_PATTERN", "CommandDut", "Dut", "HostDut", "QemuDut", "RigDut", "Wiring", "make_dut"]


def make_dut(
    kind: str,
    run_dir: Path,
    command: str | None = None,
    port: str | None = None,
    console: str | None = None,
    connected_pattern: str = CONNECTED_PATTERN,
    image: Path | None = None,
) -> Dut:
    """The DUT for --dut host|qemu|cmd|rig (a --dut-cmd implies cmd); image: a rig board is flashed with it first."""
    if image is not None and kind != "rig":
        raise DutError("--flash writes a board on the rig: use it with --dut rig --console PORT")
    if command is not None or kind == "cmd":
        if not command:
            raise DutError("--dut cmd needs --dut-cmd 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'")
        return CommandDut(run_dir, command, connected_pattern)
    if kind == "host":
        return HostDut(run_dir, connected_pattern=connected_pattern)
    if kind == "qemu":
        return QemuDut(run_dir, connected_pattern=connected_pattern)
    if kind == "rig":
        if not port:
            raise DutError("--dut rig needs --port HAN_PORT (the USB UART wired to the board's HAN input)")
        return RigDut(run_dir, port, console, connected_pattern, image)
    raise DutError(f"--dut must be host, qemu, cmd or rig, not {kind!r}")
