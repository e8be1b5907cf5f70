"""Readings that behave like a household's: scenarios, the electrical state, energy registers."""

from .electrical import GridState
from .recorded import ScenarioError
from .scenario import SCENARIO_DIR, Scenario, bundled_scenarios, load_scenario

__all__ = ["SCENARIO_DIR", "GridState", "Scenario", "ScenarioError", "bundled_scenarios", "load_scenario"]
