"""Adapters: each output format of a reader becomes the same canonical publications."""

import json

import pytest

from bench.errors import CheckError
from bench.observer.adapters import adapter_names, publications

TOPIC = "ams"


def message(t, topic, payload):
    return {"t": t, "topic": topic, "payload": payload if isinstance(payload, str) else json.dumps(payload)}


def test_classic_json_gives_si_units_with_energy_in_wh_and_ignores_the_board_temperature():
    found = publications(
        "classic", TOPIC, [message(1.0, TOPIC, {"id": "x", "data": {"P": 1200, "tPI": 1234.567, "temp": 21.5}})]
    )
    assert found[0].fields == {"active_power_import": 1200, "active_energy_import": pytest.approx(1234567.0)}


def test_one_topic_per_value_groups_a_list_until_a_field_comes_again():
    messages = [
        message(1.000, f"{TOPIC}/P", "1200"),
        message(1.001, f"{TOPIC}/meter/l1/current", "5.2"),
        message(1.002, f"{TOPIC}/id", "6970631401234567"),
        message(3.000, f"{TOPIC}/P", "1300"),
    ]
    first, second = publications("values", TOPIC, messages)
    assert first.fields == {"active_power_import": 1200.0, "current_l1": 5.2, "meter_id": "6970631401234567"}
    assert first.t == 1.002 and second.fields == {"active_power_import": 1300.0}


def test_home_assistant_discovery_learns_state_topics_and_units_from_config():
    config = {"state_topic": "ams/state", "value_template": "{{ value_json.tPI }}", "unit_of_measurement": "kWh"}
    power = {"state_topic": "ams/state", "value_template": "{{ value_json['P'] }}", "unit_of_measurement": "W"}
    messages = [
        message(0.5, "homeassistant/sensor/ams/tPI/config", config),
        message(0.6, "homeassistant/sensor/ams/P/config", power),
        message(1.0, "ams/state", {"P": 800, "tPI": 12.5}),
    ]
    (found,) = publications("homeassistant", TOPIC, messages)
    assert found.fields == {"active_energy_import": 12500.0, "active_power_import": 800}


def test_an_unknown_format_is_refused_with_the_known_ones():
    with pytest.raises(
        CheckError, match="must be one of amsreader, amsreader-raw, classic, homeassistant, raw, values, not 'xml'"
    ):
        publications("xml", TOPIC, [])
    assert adapter_names() == ["amsreader", "amsreader-raw", "classic", "homeassistant", "raw", "values"]


def test_value_topics_carry_accumulated_energy_in_kwh_and_the_list_version_as_the_host_build_names_it():
    messages = [
        message(1.000, f"{TOPIC}/meter/import/active/accumulated", "180.073"),
        message(1.001, f"{TOPIC}/meter/dlms/version", "KFM_001"),
    ]
    (found,) = publications("values", TOPIC, messages)
    assert found.fields == {"active_energy_import": pytest.approx(180073.0), "list_version": "KFM_001"}
