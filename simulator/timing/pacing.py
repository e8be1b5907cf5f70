"""Turning meter time into host time: real time, warped, or as fast as the line accepts.

Real time sets every frame's start to an absolute deadline on time.monotonic()
(start + elapsed), never to "sleep N seconds after the last frame", so errors
do not add up over a day. The last stretch before a deadline is spun rather
than slept, because a sleep can overshoot by a scheduler tick.
"""

import gc
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Pacer", "parse_duration", "parse_warp", "sleep_until"]

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(d|h|min|m|sec|s)")

# Sleep until this close to a deadline, then spin: Linux wakes a sleeper up to ~0.1 ms late, often more under load.
_SPIN_S = 0.002


def parse_duration(text: str | float) -> float:
    """Seconds in a duration such as `90`, `90s`, `10min`, `10m`, `2h30m` or `2d` (a bare number is seconds)."""
    text = str(text).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"a duration must look like 90s, 10min, 2h30m or 2d, not {text!r}")
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def parse_warp(text: str | float | None) -> float | None:
    """A warp factor from `--warp`: a number > 0 (1 = real time), or None for 'max' (as fast as the line accepts)."""
    if text is None or text == "max":
        return None
    try:
        warp = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"warp must be a number above 0 or 'max', not {text!r}") from None
    if not warp > 0:
        raise ValueError(f"warp must be a number above 0 or 'max', not {text!r}")
    return warp


def sleep_until(deadline: float, stop: threading.Event | None = None, spin: bool = True) -> bool:
    """Wait until time.monotonic() reaches `deadline`; False if `stop` was set first."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True
        if stop is not None and stop.is_set():
            return False
        if remaining > _SPIN_S or not spin:
            nap = remaining - _SPIN_S if spin else remaining
            if stop is not None:
                if stop.wait(max(nap, 0)):
                    return False
            else:
                time.sleep(max(nap, 0))


class Pacer:
    """Deadlines for frames and bytes: meter seconds divided by the warp, from a monotonic origin."""

    def __init__(self, warp: float | None, stop: threading.Event | None = None, lead_s: float = 0.05) -> None:
        self.warp = warp
        self.stop = stop
        # Meter second 0 lies a little ahead, so the first frame is built before its deadline like every other.
        self.origin = time.monotonic() + (lead_s if warp is not None else 0.0)

    def deadline(self, elapsed: float) -> float | None:
        """The monotonic instant a frame due `elapsed` meter seconds into the run starts; None at max speed."""
        return None if self.warp is None else self.origin + elapsed / self.warp

    def wait(self, elapsed: float) -> bool:
        """Wait for the frame due at `elapsed`; False if the run was stopped meanwhile."""
        deadline = self.deadline(elapsed)
        if deadline is None:
            return not (self.stop is not None and self.stop.is_set())
        return sleep_until(deadline, self.stop)

    @contextmanager
    def punctual(self) -> Iterator[None]:
        """No cyclic garbage collection inside: wrap the wait for a deadline and the frame's writes.

        A collection that an allocation happens to trigger between the
        deadline and the first byte costs milliseconds with a run's worth of
        objects alive; outside this window the frame is being built and a
        pause costs nothing. Nothing changes at max speed.
        """
        was_enabled = gc.isenabled() and self.warp is not None
        if was_enabled:
            gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()

    def byte_time(self, line_byte_time: float) -> float | None:
        """Seconds per byte when pacing a line that does not pace itself; None at max speed."""
        return None if self.warp is None else line_byte_time / self.warp
