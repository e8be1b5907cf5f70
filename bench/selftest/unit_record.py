"""One unit's record, from OpenHTF's test record: identity, firmware, every measurement with its limits and outcome.

OpenHTF's own JSON output carries the framework's internals (plug
descriptors, code info, the configuration); the station's record keeps what a
production engineer reads and a yield report counts, in a stable shape.
"""

import logging
from datetime import UTC, datetime

from openhtf.core.test_record import PhaseOutcome, TestRecord

from .unit import Unit

__all__ = ["unit_record"]


def _iso(millis: int | None) -> str | None:
    if millis is None:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).isoformat(timespec="milliseconds")


def _value(measured):
    return measured.value if measured.is_value_set else None


def _measurement(measurement, unit: Unit) -> dict:
    entry = {
        "name": measurement.name,
        "value": _value(measurement.measured_value),
        "units": measurement.units.suffix if measurement.units else None,
        "limits": "; ".join(str(validator) for validator in measurement.validators),
        "outcome": measurement.outcome.name,
        "marginal": bool(measurement.marginal),
    }
    if measurement.name in unit.why:
        entry["why"] = unit.why[measurement.name]
    return entry


def _phase(phase, unit: Unit) -> dict:
    entry = {
        "name": phase.name,
        "outcome": phase.outcome.name if phase.outcome else None,
        "started": _iso(phase.start_time_millis),
        "ended": _iso(phase.end_time_millis),
        "measurements": [_measurement(m, unit) for m in phase.measurements.values()],
    }
    if (
        phase.outcome == PhaseOutcome.ERROR
        and phase.result is not None
        and hasattr(phase.result.phase_result, "exc_val")
    ):
        entry["error"] = str(phase.result.phase_result.exc_val).splitlines()[0]
    return entry


def _failures(phases: list[dict]) -> list[dict]:
    """What failed, phase by phase: an error (the measurements it left unset follow from it) or failed measurements."""
    found = []
    for phase in phases:
        if phase.get("error"):
            found.append({"phase": phase["name"], "measurement": None, "why": phase["error"]})
            continue
        for measurement in phase["measurements"]:
            if measurement["outcome"] in ("FAIL", "UNSET"):
                found.append(
                    {
                        "phase": phase["name"],
                        "measurement": measurement["name"],
                        "value": measurement["value"],
                        "limits": measurement["limits"],
                        "why": measurement.get("why"),
                    }
                )
    return found


def unit_record(record: TestRecord, unit: Unit, header: dict) -> dict:
    """The station's record of a finished unit."""
    phases = [_phase(phase, unit) for phase in record.phases if phase.name != "trigger_phase"]
    return {
        **header,
        "board_id": unit.board_id,
        "chip_mac": unit.chip_mac,
        "firmware_version": unit.firmware_version,
        "outcome": record.outcome.name,
        "marginal": bool(record.marginal),
        "started": _iso(record.start_time_millis),
        "ended": _iso(record.end_time_millis),
        "failures": _failures(phases),
        "phases": phases,
        # Warnings say what was wrong in a measurement: which value, sent as what, published as what.
        "notes": [entry.message for entry in record.log_records if entry.level >= logging.WARNING],
    }
