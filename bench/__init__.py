"""The bench: broker, DUTs, observer, checker, reports, and the `hanbench` command.

The factories here are what the command line, the pytest plugin and the
manufacturing self-test share: make_broker, make_dut, Observer, judge, Bench.
They are imported on first use: the bench's child processes (relay, observer,
broker, simulator) import a module of this package each, and importing every
layer in each of them cost more CPU than a short run's frames.
"""

from .lazy import lazy_exports

# Each public name and the submodule it lives in. They load on first use, so a
# command that needs none of them (`hanbench decode`) does not pay their imports.
_HOMES = {
    "BrokerEndpoint": ".broker",
    "make_broker": ".broker",
    "Excuse": ".check",
    "Verdict": ".check",
    "judge": ".check",
    "read_sent_log": ".check",
    "Dut": ".dut",
    "Wiring": ".dut",
    "make_dut": ".dut",
    "BenchError": ".errors",
    "BrokerError": ".errors",
    "CheckError": ".errors",
    "DutError": ".errors",
    "DutStateError": ".errors",
    "MeterError": ".errors",
    "RunOptionError": ".errors",
    "RunSetError": ".errors",
    "MeterRun": ".meter",
    "SimulatorMeter": ".meter",
    "Observer": ".observer",
    "read_messages": ".observer",
    "publications": ".observer.adapters",
    "Bench": ".run",
    "LoopOptions": ".run",
    "RunResult": ".run",
    "run_loop": ".run",
}

__all__ = sorted(_HOMES)
__getattr__ = lazy_exports(__name__, globals(), _HOMES)
