"""The canonical reading: one name and one SI unit for every value a meter sends.

Every layer speaks these names (decoder, sent log, checker, reports), so a
value can be followed from the simulator's ground truth to a reader's MQTT
message without a translation table in between.
"""

from dataclasses import dataclass

__all__ = ["ENERGY_FIELDS", "FIELDS", "NUMERIC_FIELDS", "TEXT_FIELDS", "FieldSpec"]


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: its name, the SI unit of its value (None for text)."""

    name: str
    unit: str | None
    description: str


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("list_version", None, "list version identifier the meter sends"),
        FieldSpec("meter_id", None, "meter serial number (GS1 / manufacturer number)"),
        FieldSpec("meter_type", None, "meter model string"),
        FieldSpec("meter_time", None, "meter wall clock as sent, ISO 8601 without zone"),
        FieldSpec("active_power_import", "W", "P+"),
        FieldSpec("active_power_export", "W", "P-"),
        FieldSpec("reactive_power_import", "var", "Q+"),
        FieldSpec("reactive_power_export", "var", "Q-"),
        FieldSpec("current_l1", "A", "phase 1 current"),
        FieldSpec("current_l2", "A", "phase 2 current"),
        FieldSpec("current_l3", "A", "phase 3 current"),
        FieldSpec("voltage_l1", "V", "phase 1 voltage"),
        FieldSpec("voltage_l2", "V", "phase 2 voltage"),
        FieldSpec("voltage_l3", "V", "phase 3 voltage"),
        FieldSpec("active_energy_import", "Wh", "A+ counter"),
        FieldSpec("active_energy_export", "Wh", "A- counter"),
        FieldSpec("reactive_energy_import", "varh", "R+ counter"),
        FieldSpec("reactive_energy_export", "varh", "R- counter"),
    )
}

TEXT_FIELDS = frozenset(name for name, spec in FIELDS.items() if spec.unit is None)
NUMERIC_FIELDS = frozenset(FIELDS) - TEXT_FIELDS
ENERGY_FIELDS = frozenset(name for name, spec in FIELDS.items() if spec.unit in ("Wh", "varh"))
