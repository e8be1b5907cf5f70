"""The bench: broker, DUTs, observer, checker, reports, and the `hanbench` command.

The factories here are what the command line, the pytest plugin and the
manufacturing self-test share: make_broker, make_dut, Observer, judge, Bench.
They are imported on first use: the bench's child processes (relay, observer,
broker, simulator) import a module of this package each, and importing every
layer in each of them cost more CPU than a short run's frames.
"""

import importlib

# Each public name and the module that defines it.
_HOMES = {
    ".broker": ("BrokerEndpoint", "make_broker"),
    ".check": ("Excuse", "Verdict", "judge", "read_sent_log"),
    ".dut": ("Dut", "Wiring", "make_dut"),
    ".errors": ("BenchError", "BrokerError", "CheckError", "DutError", "DutStateError", "MeterError", "ScenarioError"),
    ".meter": ("MeterRun", "SimulatorMeter"),
    ".observer": ("Observer", "read_messages"),
    ".observer.adapters": ("publications",),
    ".run": ("Bench", "LoopOptions", "RunResult", "run_loop"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str):
    """The public name from its module, imported now (PEP 562)."""
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME_OF[name], __name__), name)
