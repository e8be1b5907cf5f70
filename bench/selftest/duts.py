"""The bench's DUTs, with a console: the station talks to the reader, the bench only listens to it.

The bench starts a reader with its stdin on /dev/null; the station needs that
stdin as the reader's console. This is the smallest adapter that gives it:
the bench's HostDut and CommandDut (build, command line, placeholders, life
cycle) unchanged, launched through a ManagedProcess whose stdin and stdout
are pipes to a ProcessConsole.
"""

import subprocess
from collections.abc import Callable
from pathlib import Path

from ..dut import CommandDut, HostDut, QemuDut, Wiring
from ..errors import DutError
from ..process import ManagedProcess, spawn
from .console import ProcessConsole

__all__ = ["ConsoleProcess", "StationCommandDut", "StationHostDut", "StationQemuDut"]


class ConsoleProcess(ManagedProcess):
    """A ManagedProcess whose stdin is writable and whose output is read line by line into a console."""

    console: ProcessConsole | None = None

    def start(self) -> None:
        """Start the process (power on); its console starts collecting lines at once."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._popen = spawn(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.environment(),
            cwd=self.cwd,
        )
        self.console = ProcessConsole(self._popen, self.log_path)
        self.console.note(f"$ {' '.join(self.argv)}")
        self.console.start()

    def stop(self, grace: float = 3.0) -> int | None:
        """Stop the process and its console."""
        status = super().stop(grace)
        if self.console is not None:
            self.console.close()
        return status


class _WithConsole:
    """Launch a reader with its console on pipes instead of /dev/null."""

    # What the DUT class it is mixed into has.
    _process: ManagedProcess | None
    log_path: Path
    argv: Callable[[Wiring], list[str]]
    secret_env: Callable[[Wiring], dict[str, str]]

    def _launch(self, wiring: Wiring) -> None:
        self._process = process = ConsoleProcess(self.argv(wiring), self.log_path, env=self.secret_env(wiring))
        try:
            process.start()
        except OSError as error:
            raise DutError(f"cannot run the DUT command {self.argv(wiring)[0]!r}: {error.strerror}") from None

    @property
    def console(self) -> ProcessConsole:
        """The running reader's console."""
        if not isinstance(self._process, ConsoleProcess) or self._process.console is None:
            raise DutError("the reader has no console until it is started")
        return self._process.console


class StationCommandDut(_WithConsole, CommandDut):
    """Any reader command (--dut-cmd), with its console."""


class StationHostDut(_WithConsole, HostDut):
    """The firmware's host build, with its console and the temperature its missing sensor reports."""

    def __init__(self, run_dir: Path, temperature_c: float):
        super().__init__(run_dir)
        self.temperature_c = temperature_c

    def argv(self, wiring: Wiring) -> list[str]:
        """The host build's command line; --temperature stands in for the board's DS18B20."""
        return [*super().argv(wiring), "--temperature", f"{self.temperature_c:g}"]


class StationQemuDut(_WithConsole, QemuDut):
    """The lx106 image in the emulator, its semihosting console on the pipes; its settings file stands in for the sensor."""

    def __init__(self, run_dir: Path, temperature_c: float):
        super().__init__(run_dir)
        self.extra_settings = {"temperature": f"{temperature_c:g}"}

    def _launch(self, wiring: Wiring) -> None:
        self._prepare(wiring)
        _WithConsole._launch(self, wiring)
