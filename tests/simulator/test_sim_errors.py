"""One exception base for the simulator, so a caller (the bench, a script) can catch any of its errors at once."""

import pytest

from bench import errors as bench_errors
from simulator.capture import CaptureError, LearnError
from simulator.codec import FrameError
from simulator.codec.security import SecurityError
from simulator.errors import SimulatorError
from simulator.faults import FaultError
from simulator.keys import KeysError
from simulator.lines import LineError
from simulator.meter import ClockError
from simulator.readings import ScenarioError

# Callers have always caught these as ValueError (parsing options, pydantic validators): they stay ValueErrors.
VALUE_ERRORS = [FrameError, SecurityError, FaultError, ScenarioError, LearnError, CaptureError, ClockError, KeysError]
SIMULATOR_ERRORS = [*VALUE_ERRORS, LineError]


@pytest.mark.parametrize("error", SIMULATOR_ERRORS, ids=lambda error: error.__name__)
def test_every_simulator_error_is_a_simulator_error(error):
    with pytest.raises(SimulatorError, match="the message"):
        raise error("the message")


@pytest.mark.parametrize("error", VALUE_ERRORS, ids=lambda error: error.__name__)
def test_the_errors_callers_catch_as_value_error_still_are_value_errors(error):
    assert issubclass(error, ValueError)


def test_the_bench_has_no_second_scenario_error():
    assert not hasattr(bench_errors, "ScenarioError")
