"""Test tiers and the system tools they need, read from tests/tiers.toml.

A newcomer without iverilog or chromium should see those tests skipped with the line that
installs the tool, not failures; CI sets HANBENCH_STRICT=1, where a missing tool is a
failure, so a broken CI image cannot pass by skipping.
"""

import fnmatch
import functools
import glob
import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

TIERS_FILE = Path(__file__).with_name("tiers.toml")
# mosquitto sits in /usr/sbin and postgres in /usr/lib/postgresql/N/bin, outside a user's PATH.
EXTRA_DIRS = ("/usr/sbin", "/sbin", "/usr/lib/postgresql/*/bin")
STRICT_ENV = "HANBENCH_STRICT"
UNIT = "unit"


class TiersError(Exception):
    """tests/tiers.toml names a tool or marker that does not exist."""


@dataclass(frozen=True)
class Tool:
    """A system tool: the commands it puts on PATH and the line that installs it."""

    name: str
    commands: tuple[str, ...]
    install: str


@dataclass(frozen=True)
class Rule:
    """Tests whose node id matches `tests` (and that use `fixture`, if given) get markers and needs."""

    tests: str
    fixture: str | None
    markers: tuple[str, ...]
    needs: tuple[str, ...]

    def applies(self, nodeid: str, fixtures: list[str]) -> bool:
        """Whether a test with this node id and these fixtures falls under the rule."""
        return fnmatch.fnmatchcase(nodeid, self.tests) and (self.fixture is None or self.fixture in fixtures)


@dataclass(frozen=True)
class Tiers:
    """The tools, the tools each tier marker needs, and the rules that place tests in tiers."""

    tools: dict[str, Tool]
    tier_tools: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]

    def markers_and_needs(self, nodeid: str, fixtures: list[str]) -> tuple[list[str], list[Tool]]:
        """The markers a test gets (`unit` when no tier claims it) and the tools it needs, in file order."""
        markers: list[str] = []
        needs: list[str] = []
        for rule in self.rules:
            if rule.applies(nodeid, fixtures):
                markers += [m for m in rule.markers if m not in markers]
                needs += rule.needs
        for marker in markers:
            needs += self.tier_tools[marker]
        if not markers:
            markers = [UNIT]
        return markers, [self.tools[name] for name in dict.fromkeys(needs)]


def load(path: Path = TIERS_FILE) -> Tiers:
    """Reads the tiers file; a rule naming an unknown tool or marker is refused by name."""
    data = tomllib.loads(path.read_text())
    tools = {name: Tool(name, tuple(spec["commands"]), spec["install"]) for name, spec in data["tools"].items()}
    tier_tools = {marker: tuple(names) for marker, names in data["tiers"].items()}
    rules = tuple(
        Rule(r["tests"], r.get("fixture"), tuple(r.get("markers", ())), tuple(r.get("needs", ()))) for r in data["rule"]
    )
    for where, names in [(marker, names) for marker, names in tier_tools.items()] + [(r.tests, r.needs) for r in rules]:
        for name in names:
            if name not in tools:
                raise TiersError(
                    f"{path.name}: {where} needs tool {name!r}, which is not among [tools.*]: {', '.join(tools)}"
                )
    for rule in rules:
        for marker in rule.markers:
            if marker not in tier_tools:
                raise TiersError(
                    f"{path.name}: rule {rule.tests!r} gives marker {marker!r}, which is not in [tiers]: {', '.join(tier_tools)}"
                )
    return Tiers(tools, tier_tools, rules)


def search_path() -> str:
    """PATH plus the system folders some tools live in outside a user's PATH."""
    extra = [found for pattern in EXTRA_DIRS for found in sorted(glob.glob(pattern))]
    return os.pathsep.join([os.environ.get("PATH", ""), *extra])


@functools.cache
def found(command: str) -> bool:
    """Whether a command is on the search path (looked up once per session)."""
    return shutil.which(command, path=search_path()) is not None


def missing(tools: list[Tool]) -> list[Tool]:
    """The tools of which at least one command cannot be found."""
    return [tool for tool in tools if not all(found(command) for command in tool.commands)]


def strict() -> bool:
    """Whether a missing tool fails the test instead of skipping it (HANBENCH_STRICT=1, as in CI)."""
    return os.environ.get(STRICT_ENV, "") == "1"


def reason(absent: list[Tool]) -> str:
    """One line naming the missing tools and how to install them."""
    names = ", ".join(command for tool in absent for command in tool.commands if not found(command))
    return f"{names} not found: " + "; ".join(tool.install for tool in absent)
