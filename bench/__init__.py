"""The bench: broker, DUTs, observer, checker, reports, and the `hanbench` command.

The factories here are what the command line, the pytest plugin and the
manufacturing self-test share: make_broker, make_dut, Observer, judge, Bench.
"""

import importlib

# Each public name and the submodule it lives in. They load on first use, so a
# command that needs none of them (`hanbench decode`) does not pay their imports.
_HOMES = {
    "BrokerEndpoint": ".broker", "make_broker": ".broker",
    "Excuse": ".check", "Verdict": ".check", "judge": ".check", "read_sent_log": ".check",
    "Dut": ".dut", "Wiring": ".dut", "make_dut": ".dut",
    "BenchError": ".errors", "BrokerError": ".errors", "CheckError": ".errors", "DutError": ".errors",
    "DutStateError": ".errors", "MeterError": ".errors", "ScenarioError": ".errors",
    "MeterRun": ".meter", "SimulatorMeter": ".meter",
    "Observer": ".observer", "read_messages": ".observer",
    "publications": ".observer.adapters",
    "Bench": ".run", "LoopOptions": ".run", "RunResult": ".run", "run_loop": ".run",
}

__all__ = [
    "Bench", "BenchError", "BrokerEndpoint", "BrokerError", "CheckError", "Dut", "DutError", "DutStateError", "Excuse",
    "LoopOptions", "MeterError", "MeterRun", "Observer", "RunResult", "ScenarioError", "SimulatorMeter", "Verdict",
    "Wiring", "judge", "make_broker", "make_dut", "publications", "read_messages", "read_sent_log", "run_loop",
]


def __getattr__(name: str):
    """A public name, imported from its submodule the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bench' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
