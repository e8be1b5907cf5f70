"""Places every test in its tier (tests/tiers.toml) and skips, or under HANBENCH_STRICT=1 fails,
a test whose system tools are missing, before any of its fixtures build or start anything."""

import pytest

from tests import tiers

NEEDS = pytest.StashKey[list]()
TIERS = pytest.StashKey[tiers.Tiers]()


def pytest_configure(config: pytest.Config) -> None:
    """Reads the tiers once; a bad tiers file or an unregistered marker stops the run in one line."""
    try:
        config.stash[TIERS] = tiers.load()
    except (tiers.TiersError, OSError, KeyError) as error:
        raise pytest.UsageError(f"tests/tiers.toml: {error}") from None
    registered = {line.split(":")[0].strip() for line in config.getini("markers")}
    unregistered = (set(config.stash[TIERS].tier_tools) | {tiers.UNIT}) - registered
    if unregistered:
        raise pytest.UsageError(
            f"tests/tiers.toml: markers {sorted(unregistered)} are not registered in pyproject.toml's [tool.pytest.ini_options] markers"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks each test with its tiers before `-m` selects, and notes the tools it needs."""
    for item in items:
        markers, needs = config.stash[TIERS].markers_and_needs(item.nodeid, getattr(item, "fixturenames", []))
        for marker in markers:
            item.add_marker(marker)
        item.stash[NEEDS] = needs


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skips (fails, in strict mode) a test whose tools are missing, naming the install line."""
    absent = tiers.missing(item.stash.get(NEEDS, []))
    if not absent:
        return
    message = tiers.reason(absent)
    if tiers.strict():
        pytest.fail(f"{tiers.STRICT_ENV}=1 and {message}", pytrace=False)
    pytest.skip(message)
