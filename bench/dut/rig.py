"""A real reader board on a USB rig: the simulator drives its HAN port, its console (optional) gives its log.

The console UART is also the one esptool uses: its RTS pulls the chip's EN
low and its DTR GPIO0, the wiring of every ESP8266 development board. So a
reader restart is esptool's hard reset (EN pulsed, GPIO0 high: the chip
boots its flash), and `--flash IMAGE` writes the image through the chip's
serial bootloader before the first run.
"""

import threading
from pathlib import Path

import serial
from esptool.reset import HardReset

from ..errors import DutError
from ..process import log_matches
from ..selftest.flasher import Esptool
from .base import CONNECTED_PATTERN, Dut, Wiring

__all__ = ["RigDut"]

CONSOLE_BAUD = 115200


class RigDut(Dut):
    """A board: nothing to build or launch here (it is flashed and powered); its console is logged when given."""

    kind = "rig"
    one_at_a_time = True

    def __init__(
        self,
        run_dir: Path,
        han_port: str,
        console_port: str | None = None,
        connected_pattern: str = CONNECTED_PATTERN,
        image: Path | None = None,
    ):
        super().__init__(run_dir, connected_pattern)
        self.han_port = han_port
        self.console_port = console_port
        self.image = image
        self._log_from = 0
        self._console: serial.Serial | None = None
        self._reader: threading.Thread | None = None
        self._heard = threading.Event()

    def _build(self) -> None:
        for role, port in (("HAN", self.han_port), ("console", self.console_port)):
            if port and not port.startswith(("socket://", "rfc2217://", "loop://")) and not Path(port).exists():
                raise DutError(f"no {role} port {port}; plug the rig in, or pick its /dev/serial/by-id/ path")
        if self.image is not None:
            if self.console_port is None:
                raise DutError("--flash needs --console: esptool writes the image through the board's console UART")
            Esptool(self.console_port, self.log_path.with_name("esptool.log")).flash(self.image)

    def restart(self) -> None:
        """Reset the board as esptool does (EN pulsed through RTS): a real power cycle of the reader's chip."""
        self._require("started", "connected", "publishing", doing="restart")
        if self._console is None:
            raise DutError(
                "a reader restart on the rig pulses the board's EN through the console UART's RTS: give --console"
            )
        self._log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
        HardReset(self._console)()
        self.state = "started"

    def _launch(self, wiring: Wiring) -> None:
        if self.console_port is None:
            return
        try:
            console = serial.serial_for_url(self.console_port, CONSOLE_BAUD, timeout=0.2, do_not_open=True)
            # Opened with both lines released: pyserial asserts them by default, which holds EN low (the chip
            # in reset) on a board wired straight to RTS, and both asserted mask the reset on an auto-reset pair.
            console.dtr = console.rts = False
            console.open()
            self._console = console
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
        return self.console_port is None or log_matches(self.log_path, self.connected_pattern, self._log_from)

    def _halt(self) -> None:
        if self._console is not None:
            self._console.close()
            self._console = None
