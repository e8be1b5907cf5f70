"""Running the loop: one run (run_loop), a bench of runs (Bench), run sets, and results."""

from .facade import Bench
from .outcome import RunResult
from .session import LoopOptions, run_loop

__all__ = ["Bench", "LoopOptions", "RunResult", "run_loop"]
