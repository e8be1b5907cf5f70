"""`python -m bench.meter.simulate ...`: the simulator's `sim` command alone, the process the bench runs as its meter.

Not `python -m bench sim`, which loads every command of the group (the
station's database layer among them): a second of CPU at the start of every
run, paid 35 times by the main job. Exit codes and stop signals are the group's.
"""

import signal

from simulator.cli import sim

from ..exits import run_with_exit_codes

if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    run_with_exit_codes(sim)
