"""One build folder, one builder at a time: the lock the firmware's builds take."""

import fcntl
from contextlib import contextmanager
from pathlib import Path

__all__ = ["FIRMWARE", "locked"]

FIRMWARE = Path(__file__).resolve().parents[1]


@contextmanager
def locked(build: Path):
    """Holds an exclusive lock on a build folder for the duration.

    Session fixtures run once per pytest-xdist worker, so under `-n 2` two workers
    would run cmake and make in the same folder at once and one of them would link
    while the other rewrites the objects. The lock makes the second one wait, and
    find the build up to date.
    """
    build.mkdir(parents=True, exist_ok=True)
    with open(build / "hanbench-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
