"""The whole loop against a stand-in reader in another reader's format: right passes, each wrong one fails for its reason."""

import sys
from pathlib import Path

import pytest

from bench import Bench, LoopOptions, make_dut
from tests.bench.test_loop import FAKE_METER

HERE = Path(__file__).parent


def bench_for(output_format: str, mode: str, folder: Path) -> Bench:
    """A bench reading output_format from format_reader.py in mode (a late reader against the usual 1 s limit)."""
    command = f"{sys.executable} {HERE / 'format_reader.py'} {output_format} {mode} {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"
    options = LoopOptions(
        broker="embedded",
        meter_command=FAKE_METER,
        output_format=output_format,
        latency_limit_s=1.0 if mode == "late" else 3.0,
    )
    return Bench(make_dut("cmd", folder, command=command), folder, options)


@pytest.mark.parametrize(
    "output_format, meter",
    [("amsreader", "kaifa-ma304h3e"), ("amsreader-raw", "aidon-6534"), ("raw", "kamstrup-6841121")],
)
def test_a_reader_in_the_format_passes(output_format, meter, tmp_path):
    result = bench_for(output_format, "good", tmp_path).run(meter, duration="50s", warp=25)
    result.assert_passed()
    assert result.verdict.latency.count > 0


@pytest.mark.parametrize(
    "output_format, mode, meter, reason, words",
    [
        ("amsreader", "scale", "kaifa-ma304h3e", "values", "current_l1 sent 4, published 40 (resolution 0.01)"),
        ("amsreader-raw", "missing", "aidon-6534", "values", "voltage_l3 missing (sent 230.0)"),
        ("raw", "late", "kamstrup-6841121", "latency", "s from its last byte to the message (limit 1 s)"),
    ],
)
def test_a_reader_in_the_format_fails_for_its_reason(output_format, mode, meter, reason, words, tmp_path):
    result = bench_for(output_format, mode, tmp_path).run(meter, duration="50s", warp=25)
    assert result.verdict.reasons() == {reason}, result.verdict.failures[:3]
    assert words in result.verdict.failures[0].detail
