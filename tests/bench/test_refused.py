"""Everything checked before anything starts: a bad option or data file is one line, exit 2, and no process run."""

import subprocess
import sys
import time

import pytest

from bench.errors import RunOptionError
from bench.run.runsets import load_set
from tests.bench.test_loop import FAKE_METER, reader

INF_PLAN = 'name = "x"\ndescription = "x"\nexpect = "x"\n[[fault]]\nkind = "gap"\nevery = 2\ngap_ms = inf\n'
# Refusing is reading a few files: well inside this even on two busy cores; bring-up alone takes longer.
REFUSED_WITHIN_S = 30


@pytest.mark.parametrize(
    "options, words",
    [
        (["--faults", "nosuch"], "unknown fault plan 'nosuch'"),
        (["--faults", "bad-fcs@nan"], "fault rate must be"),
        (["--faults", "{plan}"], "fault.0.gap_ms: must be a finite number"),
        (["--warp", "inf"], "--warp must be between"),
        (["--warp", "nan"], "warp must be a number above 0"),
        (["--warp", "1e-9"], "--warp must be between"),
        (["--duration", "inf"], "a duration must look like"),
        (["--duration", "0"], "--duration must be above 0"),
        (["--duration", "99999d"], "at most 366d"),
        (["--latency-limit", "nan"], "--latency-limit must be a number from"),
        (["--latency-limit", "inf"], "--latency-limit must be a number from"),
        (["--scenario", "nosuch"], "unknown scenario 'nosuch'"),
        (["--start", "yesterday"], "start must be ISO 8601"),
        (["--meter", "kaifa-nosuch"], "kaifa-nosuch"),
    ],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_a_bad_option_is_refused_before_any_process_starts(options, words, tmp_path):
    plan = tmp_path / "inf.toml"
    plan.write_text(INF_PLAN)
    options = [option.format(plan=plan) for option in options]
    argv = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--meter",
        "kaifa-ma304h3e",
        "--dut",
        "cmd",
        "--dut-cmd",
        reader("good"),
        "--broker",
        "embedded",
        "--report-dir",
        str(tmp_path / "reports"),
        "--meter-cmd",
        " ".join(FAKE_METER),
        *options,
    ]
    began = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "reports" / "kaifa-ma304h3e").exists(), "a run folder means bring-up began"
    assert time.monotonic() - began < REFUSED_WITHIN_S


def test_a_format_the_host_build_cannot_write_is_refused_before_it_is_built_or_started(tmp_path):
    argv = [sys.executable, "-m", "bench", "run", "--meter", "kaifa-ma304h3e", "--dut", "host", "--format", "amsreader"]
    done = subprocess.run(
        [*argv, "--report-dir", str(tmp_path / "reports")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "the host build writes --format classic, values, homeassistant, raw, not 'amsreader'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "reports").exists(), "a report folder means bring-up began"


@pytest.mark.parametrize(
    "entry, words",
    [
        (
            'name = "r"\nsets = ["s"]\nmeter = "aidon-6534"\nwarpp = "60"\n',
            "run.0: unknown key 'warpp': did you mean warp",
        ),
        (
            'name = "r"\nsets = ["s"]\nmeter = "aidon-6534"\nlatency_limit_s = nan\n',
            "run.0.latency_limit_s: must be a finite number, not nan or inf",
        ),
        (
            'name = "r"\nsets = ["s"]\nmeter = "aidon-6534"\nrestart_reader_at = 7\n',
            "restart_reader_at must be a number from 0 to 1",
        ),
    ],
)
def test_a_run_set_with_an_unknown_key_or_a_bad_number_is_refused_naming_file_run_and_key(entry, words, tmp_path):
    path = tmp_path / "sets.toml"
    path.write_text("[[run]]\n" + entry)
    with pytest.raises(RunOptionError, match=str(path)) as refused:
        load_set("s", path)
    assert words in str(refused.value)


@pytest.mark.parametrize(
    "line, words",
    [
        ("[" * 100_000, "100000 characters, more than the 65536 a message may have"),
        ("[" * 1000, "nested deeper than 16 levels"),
        (
            '{"meter": "kaifa-ma304h3e", "list": 1, "meter_time": "2024-01-01T00:00:00", "active_power_import": 1e999}',
            "1e999 is too large for a number",
        ),
        (
            '{"meter": "kaifa-ma304h3e", "list": 1, "meter_time": "2024-01-01T00:00:00", "active_power_import": NaN}',
            "NaN is not a number JSON allows",
        ),
    ],
)
def test_encode_gives_one_line_for_input_it_cannot_read(line, words):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "encode", "--json", "-"],
        input=line + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"line 1: {words}" in done.stderr


def test_the_frame_decoder_refuses_nesting_past_a_sane_depth():
    from simulator.codec import FrameError
    from simulator.codec.axdr import MAX_DEPTH, parse_value

    with pytest.raises(FrameError, match=f"A-XDR nested deeper than {MAX_DEPTH} levels"):
        parse_value(bytes([2, 1]) * 1000 + b"\0")
    assert parse_value(bytes([2, 1]) * 3 + b"\0")[1] == 7
