"""Every kind of data file goes through one reader, and every kind refuses a misspelled key in one line.

Each case takes a shipped file, misspells one key in it, and loads the copy
the way hanbench does: the error must name the file, the key as written and
the key it was meant to be.
"""

import tomllib
from pathlib import Path

import pytest
import tomli_w

from bench.errors import RunSetError
from bench.run.runsets import RUN_SET_FILE, load_set
from bench.selftest.datafiles import BURST_PATH, LIMITS_PATH, load_burst, load_limits
from bench.selftest.errors import LimitsError
from meter_profiles import PROFILE_DIR, ProfileError, load_profile
from meter_profiles.datafiles import validate
from simulator.faults import PLAN_DIR, FaultError, load_plan
from simulator.readings import ScenarioError, load_scenario
from simulator.readings.scenario import SCENARIO_DIR

# kind: (the shipped file, the path of the key to misspell, its misspelling, how hanbench loads a file, the error)
KINDS = {
    "profile": (PROFILE_DIR / "kaifa-ma304h3e.toml", ("serial", "baud"), "buad", load_profile, ProfileError),
    "scenario": (
        SCENARIO_DIR / "household-day.toml",
        ("voltage", "spread"),
        "sprad",
        lambda p: load_scenario(str(p)),
        ScenarioError,
    ),
    "fault plan": (PLAN_DIR / "bad-fcs.toml", ("fault", 0, "rate"), "rates", lambda p: load_plan(str(p)), FaultError),
    "run set": (RUN_SET_FILE, ("run", 0, "warp"), "wrap", lambda p: load_set("bench", p), RunSetError),
    "station limits": (LIMITS_PATH, ("station", "boot_timeout_s"), "boot_timout_s", load_limits, LimitsError),
    "station burst": (BURST_PATH, ("bad_fcs", "make"), "maker", load_burst, LimitsError),
}


def _misspelled(source: Path, where: tuple, wrong: str, folder: Path) -> Path:
    """A copy of source (same file name) in which the key at `where` is spelled `wrong`."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    table = data
    for part in where[:-1]:
        table = table[part]
    table[wrong] = table.pop(where[-1])
    copy = folder / source.name
    copy.write_text(tomli_w.dumps(data), encoding="utf-8")
    return copy


@pytest.mark.parametrize("kind", KINDS)
def test_a_shipped_file_of_every_kind_loads_as_it_is(kind, tmp_path):
    source, where, _, load, _ = KINDS[kind]
    load(_misspelled(source, where, str(where[-1]), tmp_path))  # the key as it is: a name, never an index


@pytest.mark.parametrize("kind", KINDS)
def test_a_misspelled_key_is_refused_naming_the_file_the_key_and_the_fix(kind, tmp_path):
    source, where, wrong, load, error = KINDS[kind]
    copy = _misspelled(source, where, wrong, tmp_path)
    with pytest.raises(error) as refused:
        load(copy)
    message = str(refused.value)
    assert message.startswith(f"{copy}: ") and "\n" not in message
    assert f"unknown key {wrong!r}: did you mean {where[-1]}" in message  # the closest name first


def test_an_unknown_key_with_no_close_name_lists_the_keys_there(tmp_path):
    from pydantic import BaseModel, ConfigDict

    class Inner(BaseModel):
        model_config = ConfigDict(extra="forbid")
        alpha: int = 0
        beta: int = 0

    class Outer(BaseModel):
        model_config = ConfigDict(extra="forbid")
        items: list[Inner | None] = []

    path = tmp_path / "x.toml"
    with pytest.raises(
        ValueError, match=r"x.toml: items.1: unknown key 'zzz': remove it \(the keys there: alpha, beta\)$"
    ):
        validate(Outer, {"items": [{}, {"zzz": 1}]}, path, ValueError)
