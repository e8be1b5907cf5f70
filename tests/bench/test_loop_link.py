"""The whole loop with the simulator on an encrypted and a segmented meter: a reader that deciphers and
joins passes, one that ignores a repeated frame counter fails for it. The keys reach the simulator and
the reader through HANBENCH_KEYS_FILE, never a command line."""

import sys
from pathlib import Path

import pytest

from bench import Bench, LoopOptions, make_dut

HERE = Path(__file__).parent
KEYS = '[default]\nencryption_key = "000102030405060708090A0B0C0D0E0F"\nauthentication_key = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"\n'


def bench_for(mode: str, folder: Path) -> Bench:
    command = f"{sys.executable} {HERE / 'link_reader.py'} {mode} {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"
    return Bench(make_dut("cmd", folder, command=command), folder, LoopOptions(broker="embedded"))


@pytest.fixture
def keys(tmp_path, monkeypatch):
    path = tmp_path / "keys.toml"
    path.write_text(KEYS)
    path.chmod(0o600)
    monkeypatch.setenv("HANBENCH_KEYS_FILE", str(path))
    return path


@pytest.mark.parametrize("meter", ["kamstrup-omnipower-dk", "aidon-6534-se"])
def test_a_reader_that_deciphers_and_joins_passes(meter, keys, tmp_path):
    result = bench_for("good", tmp_path).run(meter, duration="2min", warp=20, start="2026-03-02T08:59:00")
    result.assert_passed()
    assert result.verdict.expected >= 10
    for name in ("sent.jsonl", "meter.log", "dut-command.log", "summary.json", "report.html"):
        assert "000102030405060708090A0B0C0D0E0F" not in (result.run_dir / name).read_text().upper()


def test_a_reader_that_ignores_a_repeated_counter_fails_for_it(keys, tmp_path):
    result = bench_for("no-counter-check", tmp_path).run(
        "kamstrup-omnipower-dk", duration="2min", warp=20, faults="counter-repeat", start="2026-03-02T08:59:00"
    )
    assert not result.passed and result.verdict.reasons() == {"corrupt-frames"}
