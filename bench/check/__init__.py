"""The checker: pairs what the reader published with what the meter sent, and judges it."""

from .judge import Excuse, judge
from .pairing import Pair, pair_publications
from .sentlog import read_sent_log
from .verdict import CHECKS, Check, Failure, Latency, Verdict

__all__ = [
    "CHECKS",
    "Check",
    "Excuse",
    "Failure",
    "Latency",
    "Pair",
    "Verdict",
    "judge",
    "pair_publications",
    "read_sent_log",
]
