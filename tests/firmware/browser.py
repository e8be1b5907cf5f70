"""Headless Chromium driven over the DevTools protocol: just enough to load a page,
run a script in it and wait for the next page load (a form submission)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
]

# How long Chromium's killed helpers may take to be gone before their profile is removed.
GROUP_GONE_WITHIN_S = 2.0


class Browser:
    """One headless Chromium with one page."""

    def __init__(self):
        self.profile = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helpers (renderer, crash handler) in one group, to stop them all at once
        )
        port = self._devtools_port(Path(self.profile.name) / "DevToolsActivePort")
        self.socket = connect(self._page_socket_url(port), max_size=None, open_timeout=10)
        self._next_id = 0
        self.call("Page.enable")

    def _devtools_port(self, marker: Path, timeout: float = 20) -> int:
        # Chromium writes the port it picked for --remote-debugging-port=0 to this file.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            time.sleep(0.05)
        raise TimeoutError(f"chromium did not open its DevTools port within {timeout} s ({marker} never appeared)")

    def _page_socket_url(self, port: int, timeout: float = 20) -> str:
        # The DevTools port opens before the first page exists: poll until it is listed.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
            pages = [target for target in targets if target["type"] == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise TimeoutError(f"chromium listed no page on DevTools port {port} within {timeout} s")

    def call(self, method: str, **params) -> dict:
        """Sends one DevTools command and returns its result (events before it are dropped)."""
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=15))
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message["result"]

    def wait_for_load(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv(timeout=deadline - time.monotonic()))
            if message.get("method") == "Page.loadEventFired":
                return
        raise TimeoutError(f"no page load within {timeout} s")

    def open(self, url: str) -> None:
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": "Page.navigate", "params": {"url": url}}))
        self.wait_for_load()

    def evaluate(self, script: str):
        """Runs JavaScript in the page; returns its value."""
        result = self.call("Runtime.evaluate", expression=script, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit_form(self, values: dict[str, str], button: str = "save") -> None:
        """Fills the inputs by id, clicks the button and waits for the answer page."""
        fill = "".join(f"document.getElementById({json.dumps(k)}).value = {json.dumps(v)};" for k, v in values.items())
        self._next_id += 1
        script = fill + f"setTimeout(() => document.getElementById({json.dumps(button)}).click(), 0); true"
        self.socket.send(
            json.dumps({"id": self._next_id, "method": "Runtime.evaluate", "params": {"expression": script}})
        )
        self.wait_for_load()

    def close(self) -> None:
        """Stop Chromium and every helper it started, then remove the profile they were writing to."""
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        # Stopping the browser alone left a helper writing to the profile while it was removed (seen once under two
        # workers: "Directory not empty"); the group's stragglers go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
            deadline = time.monotonic() + GROUP_GONE_WITHIN_S
            while time.monotonic() < deadline:
                os.killpg(self.process.pid, 0)  # ProcessLookupError once the last of them is gone
                time.sleep(0.02)
        self.profile.cleanup()
