"""The sim, capture and replay commands: thin over the API, one-line errors with a non-zero exit."""

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from simulator.cli import COMMANDS, parse_duration

CAPTURES = Path(__file__).parents[2] / "captures"


@click.group()
def group() -> None:
    """The commands as bench/cli.py registers them."""


for command in COMMANDS:
    group.add_command(command)


def run(*args: str):
    return CliRunner().invoke(group, list(args))


def test_sim_runs_for_a_warped_duration_and_writes_the_sent_log(tmp_path):
    log = tmp_path / "sent.jsonl"
    result = run(
        "sim",
        "--meter",
        "kamstrup-6841121",
        "--pty",
        "--start",
        "2024-10-27T01:58:00",
        "--duration",
        "3m",
        "--warp",
        "1000",
        "--sent-log",
        str(log),
        "--faults",
        "lost-list@0.5",
    )
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert 0 < len(entries) < 19  # 19 lists in three minutes, about half kept off the line
    assert entries[0]["meter_time"] >= "2024-10-27T01:58:00"
    assert "kamstrup-6841121 on /dev/pts/" in result.stderr and "faults lost-list:" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["sim", "--meter", "kaifa-ma304", "--pty"], "Error: unknown meter 'kaifa-ma304': did you mean"),
        (["sim", "--meter", "kaifa-ma304h4", "--port", "/dev/ttyNOPE1"], "Error: serial port /dev/ttyNOPE1 not found"),
        (["sim", "--meter", "kaifa-ma304h4"], "Error: give exactly one of --port PORT or --pty"),
        (
            ["sim", "--meter", "kaifa-ma304h4", "--pty", "--faults", "bad-fsc"],
            "Error: unknown fault plan 'bad-fsc': did you mean bad-fcs",
        ),
        (
            ["sim", "--meter", "kaifa-ma304h4", "--pty", "--warp", "0"],
            "Error: warp must be a number above 0 or 'max', not '0'",
        ),
        (
            ["sim", "--meter", "kaifa-ma304h4", "--pty", "--faults", "framing-error"],
            "Error: fault framing-error needs a serial device",
        ),
        (
            ["sim", "--meter", "kaifa-ma304h4", "--pty", "--faults", "power-off"],
            "Error: fault power-off needs the M-Bus line emulator (--line mbus-sim, or --line mbus with a board)",
        ),
        (["capture", "--port", "/dev/ttyNOPE2"], "Error: serial port /dev/ttyNOPE2 not found"),
    ],
)
def test_errors_are_one_line_and_a_non_zero_exit(args, message):
    result = run(*args)
    assert result.exit_code == 1 and result.stderr.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in result.stderr


def test_replay_sends_a_capture_warped(tmp_path):
    capture = tmp_path / "short.log"
    lines = (CAPTURES / "kamstrup-6841121-2017-10-20.log").read_text().splitlines()
    capture.write_text("\n".join(lines[:13]) + "\n")
    log = tmp_path / "sent.jsonl"
    result = run("replay", str(capture), "--pty", "--warp", "200", "--sent-log", str(log))
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["frame"] for e in entries] == [line.split("\t")[1] for line in lines[3:13]]
    assert all(e["meter"] == "kamstrup-6841121" for e in entries)


def test_durations_take_units():
    assert [parse_duration(t) for t in ("90", "90s", "10m", "10min", "2h30m", "48h", "2d", None)] == [
        90,
        90,
        600,
        600,
        9000,
        172800,
        172800,
        None,
    ]
    with pytest.raises(click.BadParameter, match="must look like 90s, 10min, 2h30m or 2d, not '10x'"):
        parse_duration("10x")


def test_sim_takes_a_learned_profile_file_as_its_meter(tmp_path):
    """`profiles learn` then `sim --meter FILE`: the learned profile drives the meter without being installed."""
    from simulator.capture import learn_profile, read_capture

    learned = tmp_path / "my-kamstrup.toml"
    learned.write_text(learn_profile(read_capture(CAPTURES / "kamstrup-6841121-2017-10-20.log"), "my-kamstrup").toml())
    log = tmp_path / "sent.jsonl"
    result = run("sim", "--meter", str(learned), "--pty", "--duration", "30s", "--warp", "1000", "--sent-log", str(log))
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(entries) == 3 and {e["meter"] for e in entries} == {"my-kamstrup"}
    assert "my-kamstrup on /dev/pts/" in result.stderr
