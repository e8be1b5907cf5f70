"""The bench: broker, DUTs, observer, checker, reports, and the `hanbench` command.

The factories here are what the command line, the pytest plugin and the
manufacturing self-test share: make_broker, make_dut, Observer, judge, Bench.
"""

from .broker import BrokerEndpoint, make_broker
from .check import Excuse, Verdict, judge, read_sent_log
from .dut import Dut, Wiring, make_dut
from .errors import BenchError, BrokerError, CheckError, DutError, DutStateError, MeterError, ScenarioError
from .meter import MeterRun, SimulatorMeter
from .observer import Observer, read_messages
from .observer.adapters import publications
from .run import Bench, LoopOptions, RunResult, run_loop

__all__ = [
    "Bench", "BenchError", "BrokerEndpoint", "BrokerError", "CheckError", "Dut", "DutError", "DutStateError", "Excuse",
    "LoopOptions", "MeterError", "MeterRun", "Observer", "RunResult", "ScenarioError", "SimulatorMeter", "Verdict",
    "Wiring", "judge", "make_broker", "make_dut", "publications", "read_messages", "read_sent_log", "run_loop",
]
