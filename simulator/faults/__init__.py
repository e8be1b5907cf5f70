"""Faults as named, seeded plans (data files in faults/plans/) and their effect on frames."""

from .inject import PUBLISHES, Injector, Transmission
from .plan import FAULT_KINDS, PLAN_DIR, FaultError, FaultPlan, FaultSpec, bundled_plans, load_plan, load_plans

__all__ = [
    "FAULT_KINDS",
    "PLAN_DIR",
    "PUBLISHES",
    "FaultError",
    "FaultPlan",
    "FaultSpec",
    "Injector",
    "Transmission",
    "bundled_plans",
    "load_plan",
    "load_plans",
]
