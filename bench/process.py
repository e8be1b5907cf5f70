"""A child process whose output goes to a log file in the run folder, and waits that explain themselves.

Every part the bench starts (broker, reader, meter, observer) runs through
ManagedProcess, so each leaves a log beside the report, and a failed wait says
what it waited for, the last lines that came and where the whole log is, in
the manner of pytest-embedded's expect().
"""

import ctypes
import os
import re
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import BenchError

__all__ = ["ManagedProcess", "log_matches", "spawn", "stop_every_child", "tail", "wait_until"]

TAIL_LINES = 15
# Children that are Python (broker, observer, relay, simulator) import our packages from where this one did.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)
# Linux sends the parent-death signal when the *thread* that forked the child ends, so every child is
# forked by this one thread, which lives as long as the bench: a station's phase threads come and go.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hanbench-spawner")


def _die_with(parent: int):
    """A preexec_fn: SIGKILL this child when the bench dies, even by SIGKILL; and now if it already has."""

    def arm() -> None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arm


def spawn(argv: list[str], **popen_options) -> subprocess.Popen:
    """Popen(argv) in its own session, killed by the kernel when the bench dies however it dies."""
    popen_options.setdefault("start_new_session", True)
    return _SPAWNER.submit(lambda: subprocess.Popen(argv, preexec_fn=_die_with(os.getpid()), **popen_options)).result()


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last lines of a log file (empty when it does not exist yet)."""
    try:
        with open(path, errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip()
    except FileNotFoundError:
        return ""


def log_matches(path: Path, pattern: str, since: int = 0) -> bool:
    """True when a line of the log file, from byte offset `since` on, matches the regular expression."""
    try:
        with open(path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except FileNotFoundError:
        return False
    return re.search(pattern, text, re.MULTILINE) is not None


def wait_until(
    ready: Callable[[], bool],
    timeout: float,
    what: str,
    log_path: Path | None = None,
    error: type[BenchError] = BenchError,
    alive: Callable[[], bool] | None = None,
) -> None:
    """Poll until ready() is true; else raise error naming what, the log's tail and its path."""
    deadline = time.monotonic() + timeout
    while not ready():
        if alive is not None and not alive():
            raise error(_explain(f"exited while waiting for {what}", log_path))
        if time.monotonic() > deadline:
            raise error(_explain(f"no {what} within {timeout:g} s", log_path))
        time.sleep(0.02)


def _explain(headline: str, log_path: Path | None) -> str:
    if log_path is None:
        return headline
    last = tail(log_path)
    shown = "\n".join("    " + line for line in last.splitlines()) if last else "    (the log is empty)"
    return f"{headline}; last lines of {log_path}:\n{shown}"


# Every ManagedProcess started and not yet stopped: what a stop signal tears down when runs go side by side.
_RUNNING: set["ManagedProcess"] = set()
_RUNNING_LOCK = threading.Lock()


def stop_every_child() -> None:
    """Stop every process the bench started and has not stopped: the runs in other threads then fail fast and unwind."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        process.stop()


class ManagedProcess:
    """One child process, its stdout and stderr appended to log_path, stopped gently then firmly."""

    def __init__(
        self, argv: Sequence[object], log_path: Path, env: dict[str, str] | None = None, cwd: Path | None = None
    ):
        self.argv = [str(arg) for arg in argv]
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self._popen: subprocess.Popen | None = None
        self._log_start = 0

    def start(self) -> None:
        """Start the process; its output is appended to the log (a restart keeps the earlier lines)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"$ {' '.join(self.argv)}\n".encode())
            log.flush()
            # What this run writes starts here: a restarted process is judged by its own lines.
            self._log_start = log.tell()
            self._popen = spawn(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environment(),
                cwd=self.cwd,
            )
        with _RUNNING_LOCK:
            _RUNNING.add(self)

    def environment(self) -> dict[str, str]:
        """The bench's environment, unbuffered, with our packages importable and this process's additions."""
        python_path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": python_path, **(self.env or {})}

    @property
    def pid(self) -> int | None:
        """The process id while it runs (None before start)."""
        return self._popen.pid if self._popen else None

    def alive(self) -> bool:
        """True while the process runs."""
        return self._popen is not None and self._popen.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit status once it has exited."""
        return self._popen.poll() if self._popen else None

    def log_contains(self, pattern: str) -> bool:
        """True when a line this run of the process logged matches the regular expression."""
        return log_matches(self.log_path, pattern, self._log_start)

    def wait_exit(self, timeout: float) -> int | None:
        """Wait up to timeout for the process to end by itself; its exit status, or None if it still runs."""
        if self._popen is None:
            return None
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 3.0) -> int | None:
        """SIGTERM the process group, SIGKILL it after grace seconds; the exit status."""
        if self._popen is None:
            return None
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        if self._popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._popen.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._popen.wait()
        return self._popen.returncode

    def kill(self) -> None:
        """SIGKILL at once: a crash or a power cut, as far as the others can tell."""
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        if self._popen is not None and self.alive():
            self._signal(signal.SIGKILL)
            self._popen.wait()

    def _signal(self, sig: int) -> None:
        if self._popen is None:
            return
        try:
            os.killpg(self._popen.pid, sig)
        except ProcessLookupError:
            pass
