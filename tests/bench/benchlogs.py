"""Hand-made sent logs and messages for the bench's tests: what a simulator and an observer would write."""

import json
from collections.abc import Sequence
from typing import Any

from simulator.run.sentlog import SentEntry
from tests.bench.fake_reader import KEYS

METER = "kaifa-ma304h3e"
TOPIC = "hanbench/test"
IDENTITY = {"list_version": "KFM_001", "meter_id": "6970631401234567", "meter_type": "MA304H3E"}


def list2(power: int, current: float = 1.234) -> dict:
    """A Kaifa list 2 reading."""
    return {
        **IDENTITY,
        "active_power_import": power,
        "active_power_export": 0,
        "reactive_power_import": 120,
        "reactive_power_export": 0,
        "current_l1": current,
        "current_l2": 0.5,
        "current_l3": 0.75,
        "voltage_l1": 230.1,
        "voltage_l2": 0.0,
        "voltage_l3": 229.8,
    }


def sent(
    seq: int,
    end: float,
    readings: dict[str, Any],
    list_no: int = 2,
    faults: Sequence[str] = (),
    meter: str = METER,
    time: str | None = None,
) -> SentEntry:
    """One sent-log entry as the simulator writes it; without meter_time when given no time."""
    entry = SentEntry(
        seq=seq,
        meter=meter,
        list=list_no,
        start_mono=end - 0.2,
        end_mono=end,
        frame="7E",
        readings=readings,
        faults=[{"name": name, "detail": ""} for name in faults],
        expect_publish=not faults,
    )
    if time is not None:
        entry["meter_time"] = time
    return entry


# The classic document's keys of every field but the energies, which it carries in kWh (below).
CLASSIC = {name: key for name, key in KEYS.items() if key not in ("tPI", "tPO", "tQI", "tQO")}


def classic(t: float, readings: dict, **override) -> dict:
    """The observer's record of a classic JSON document carrying readings (energies in kWh)."""
    data = {CLASSIC[name]: value for name, value in readings.items() if name in CLASSIC}
    for name, key in (
        ("active_energy_import", "tPI"),
        ("active_energy_export", "tPO"),
        ("reactive_energy_import", "tQI"),
        ("reactive_energy_export", "tQO"),
    ):
        if name in readings:
            data[key] = readings[name] / 1000
    data.update(override)
    return {"t": t, "topic": TOPIC, "payload": json.dumps({"id": "host", "up": 1, "t": 0, "data": data})}
