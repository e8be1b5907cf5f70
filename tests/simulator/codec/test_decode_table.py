"""The bundled profiles' decode table cached on disk: used when current, rebuilt when stale or damaged,
never needed for decoding, and what lets a plaintext decode start without pydantic or cryptography."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meter_profiles import PROFILE_DIR, load_profiles
from simulator.codec import decode_table
from simulator.codec.decode_table import bundled_table, cache_folder, table_of

REPO = Path(__file__).parents[3]


def _plain(table: decode_table.DecodeTable) -> list:
    """A table as comparable data."""
    return decode_table._rows(table)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return cache_folder()


@pytest.fixture
def profile_dir(tmp_path) -> Path:
    """A copy of the bundled profiles that a test may edit."""
    return Path(shutil.copytree(PROFILE_DIR, tmp_path / "profiles"))


def _no_validation(monkeypatch) -> None:
    """Make validating profiles fail the test: a table must then come from the cache."""

    def refuse(_directory):
        raise AssertionError("the profiles were validated although the cache holds their table")

    monkeypatch.setattr(decode_table, "load_profiles", refuse)


def test_the_cached_table_is_the_built_one_and_is_used(cache, monkeypatch):
    built = bundled_table()
    assert [path.name for path in cache.iterdir()] == [next(cache.glob("decode-table-*.json")).name]
    _no_validation(monkeypatch)
    assert _plain(bundled_table()) == _plain(built) == _plain(table_of(load_profiles(PROFILE_DIR)))


def test_a_changed_profile_makes_the_cached_table_stale(cache, profile_dir, monkeypatch):
    before = bundled_table(profile_dir)
    path = profile_dir / "kamstrup-6841121.toml"
    path.write_text(path.read_text().replace('meter_type = "6841121BN243101040"', 'meter_type = "6841121BN243101041"'))
    after = bundled_table(profile_dir)
    types = {candidate.meter_type for table in (before, after) for lists in table.values() for candidate in lists}
    assert {"6841121BN243101040", "6841121BN243101041"} <= types
    assert _plain(after) == _plain(table_of(load_profiles(profile_dir))) != _plain(before)
    assert len(list(cache.glob("decode-table-*.json"))) == 2
    _no_validation(monkeypatch)
    assert _plain(bundled_table(profile_dir)) == _plain(after)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # torn
        lambda data: data.replace(b'"kamstrup-6841121"', b'"kamstrup-6841122"'),  # altered: its hash no longer fits
        lambda data: data.split(b"\n", 1)[0] + b"\n[1, 2, 3]",  # the head of another body
        lambda data: bytes(range(256)) * 4,
    ],
    ids=["empty", "torn", "altered", "wrong-body", "noise"],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(cache, damage):
    right = _plain(bundled_table())
    (path,) = cache.glob("decode-table-*.json")
    whole = path.read_bytes()
    damaged = damage(whole)
    assert damaged != whole
    path.write_bytes(damaged)
    assert _plain(bundled_table()) == right
    assert path.read_bytes() == whole


def test_a_cache_folder_that_cannot_be_written_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _plain(bundled_table()) == _plain(table_of(load_profiles(PROFILE_DIR)))
    assert blocker.read_text() == "a file where the cache folder would go"


def test_a_plaintext_decode_loads_neither_pydantic_nor_cryptography(cache):
    bundled_table()  # the cache is warm, as after any earlier run
    probe = (
        "import sys; from bench.cli import main; sys.argv[1:] = ['decode', '--json', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        "loaded = sorted(m for m in ('pydantic', 'cryptography', 'rich') if m in sys.modules)\n"
        "print('loaded:', loaded, file=sys.stderr)"
    )
    capture = REPO / "captures" / "kamstrup-6841121-2017-10-20.log"
    done = subprocess.run(
        [sys.executable, "-c", probe, str(capture)], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "loaded: []" in done.stderr
    assert done.stdout.count("\n") == 689
