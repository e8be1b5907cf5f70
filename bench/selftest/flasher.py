"""esptool, as the station runs it: read the chip's MAC, write and verify the firmware image.

esptool runs as a child process (`python -m esptool`) so its retries, resets
and progress output stay out of the station's process and land in a log of
their own beside the unit's console log.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

from ..process import spawn, tail
from .errors import FlashError

__all__ = ["Esptool", "parse_mac"]

MAC_LINE = re.compile(r"^MAC:\s*((?:[0-9a-f]{2}:){5}[0-9a-f]{2})\s*$", re.MULTILINE | re.IGNORECASE)
CHIP = "esp8266"
# Few connection attempts: a board that does not answer at once is not seated in the fixture; retries only hide it.
CONNECT_ATTEMPTS = "2"


def parse_mac(output: str) -> str:
    """The MAC in esptool's read-mac output, lower case; FlashError naming what came instead."""
    found = MAC_LINE.findall(output)
    if not found:
        last = output.strip().splitlines()[-1:] or ["(no output)"]
        raise FlashError(f"esptool printed no 'MAC: xx:xx:xx:xx:xx:xx' line; its last line: {last[0]}")
    return found[-1].lower()


class Esptool:
    """esptool on one port, its output appended to log_path."""

    def __init__(self, port: str, log_path: Path, timeout_s: float = 120.0):
        self.port = port
        self.log_path = Path(log_path)
        self.timeout_s = timeout_s

    def run(self, *arguments: str) -> str:
        """Run one esptool command; its output, or FlashError with the log's tail."""
        argv = [
            sys.executable,
            "-m",
            "esptool",
            "--chip",
            CHIP,
            "--port",
            self.port,
            "--connect-attempts",
            CONNECT_ATTEMPTS,
            *arguments,
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        esptool = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = esptool.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            esptool.kill()
            esptool.communicate()
            raise FlashError(
                f"esptool {arguments[0]} on {self.port} took over {self.timeout_s:g} s; see {self.log_path}"
            ) from None
        with open(self.log_path, "a") as log:
            log.write(f"$ {' '.join(argv)}\n{stdout}{stderr}")
        if esptool.returncode != 0:
            raise FlashError(
                f"esptool {arguments[0]} on {self.port} failed (status {esptool.returncode}); "
                f"last lines of {self.log_path}:\n{tail(self.log_path, 5)}"
            )
        return stdout

    def read_mac(self) -> str:
        """The chip's MAC from its eFuses (the chip is reset into its bootloader and back)."""
        return parse_mac(self.run("read-mac"))

    def flash(self, image: Path) -> float:
        """Write the image at 0x0, verify it, reset into it; how long it took."""
        if not Path(image).is_file():
            raise FlashError(f"no firmware image at {image}; build it, or pass --image PATH")
        start = time.monotonic()
        self.run("write-flash", "0x0", str(image))
        return time.monotonic() - start
