"""A real reader board on a USB rig: the simulator drives its HAN port, its console (optional) gives its log."""

import threading
from pathlib import Path

import serial

from ..errors import DutError
from ..process import log_matches
from .base import CONNECTED_PATTERN, Dut, Wiring

__all__ = ["RigDut"]

CONSOLE_BAUD = 115200


class RigDut(Dut):
    """A board: nothing to build or launch here (it is flashed and powered); its console is logged when given."""

    kind = "rig"

    def __init__(self, run_dir: Path, han_port: str, console_port: str | None = None,
                 connected_pattern: str = CONNECTED_PATTERN):
        super().__init__(run_dir, connected_pattern)
        self.han_port = han_port
        self.console_port = console_port
        self._console: serial.Serial | None = None
        self._reader: threading.Thread | None = None
        self._heard = threading.Event()

    def _build(self) -> None:
        for role, port in (("HAN", self.han_port), ("console", self.console_port)):
            if port and not port.startswith(("socket://", "rfc2217://", "loop://")) and not Path(port).exists():
                raise DutError(f"no {role} port {port}; plug the rig in, or pick its /dev/serial/by-id/ path")

    def _launch(self, wiring: Wiring) -> None:
        if self.console_port is None:
            return
        try:
            self._console = serial.serial_for_url(self.console_port, CONSOLE_BAUD, timeout=0.2)
        except serial.SerialException as error:
            raise DutError(f"cannot open the console port {self.console_port}: {error}") from None
        self._reader = threading.Thread(target=self._log_console, daemon=True)
        self._reader.start()

    def _log_console(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            while self._console is not None and self._console.is_open:
                try:
                    line = self._console.readline()
                except (serial.SerialException, TypeError):
                    return
                if line:
                    log.write(line)
                    log.flush()

    def _connected(self) -> bool:
        # Without a console, the board's first message stands for its connection: see wait_publishing.
        return self.console_port is None or log_matches(self.log_path, self.connected_pattern)

    def _halt(self) -> None:
        if self._console is not None:
            self._console.close()
            self._console = None
