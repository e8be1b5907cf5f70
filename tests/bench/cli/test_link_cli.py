"""Encrypted and segmented meters at the command line: keys from a file or the environment, never
from a profile or into the sent log; decode joins and deciphers; the line's rate and inversion."""

import json
import os
import termios

import pytest
from click.testing import CliRunner

from bench.cli import cli
from meter_profiles import get_profile
from simulator.cli import line_settings
from simulator.lines import PtyLine

KEY = "000102030405060708090A0B0C0D0E0F"
AUTH_KEY = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"


def _run(*args: str, env: dict | None = None, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


@pytest.fixture
def keys_file(tmp_path):
    path = tmp_path / "keys.toml"
    path.write_text(f'[default]\nencryption_key = "{KEY}"\nauthentication_key = "{AUTH_KEY}"\n')
    path.chmod(0o600)
    return path


def _sim(meter: str, log, *extra: str, env=None):
    return _run(
        "sim",
        "--meter",
        meter,
        "--pty",
        "--start",
        "2026-03-02T08:59:30",
        "--duration",
        "1min",
        "--warp",
        "1000",
        "--no-byte-pacing",
        "--sent-log",
        str(log),
        *extra,
        env=env,
    )


@pytest.mark.parametrize("meter", ["kamstrup-omnipower-dk", "kaifa-ma309m-at", "aidon-6534-se"])
def test_sim_then_decode_gives_back_what_the_meter_sent(tmp_path, keys_file, meter):
    log = tmp_path / "sent.jsonl"
    result = _sim(meter, log, env={"HANBENCH_KEYS_FILE": str(keys_file)})
    assert result.exit_code == 0, result.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries
    text = log.read_text()
    assert KEY not in text.upper() and AUTH_KEY not in text.upper() and KEY not in result.stderr
    hex_lines = "\n".join(entry["frame"] for entry in entries) + "\n"
    decoded = _run("decode", "--json", "--key-file", str(keys_file), "-", stdin=hex_lines)
    assert decoded.exit_code == 0, decoded.stderr
    readings = [json.loads(line) for line in decoded.stdout.splitlines()]
    assert [{k: r[k] for k in e["readings"]} for r, e in zip(readings, entries)] == [e["readings"] for e in entries]
    assert all(r["meter"] == meter for r in readings)


def test_decode_takes_the_keys_from_the_environment_and_refuses_a_wrong_one(tmp_path, keys_file):
    log = tmp_path / "sent.jsonl"
    assert _sim("kamstrup-omnipower-dk", log, "--keys-file", str(keys_file)).exit_code == 0
    frames = "".join(json.loads(line)["frame"] + "\n" for line in log.read_text().splitlines())
    good = _run("decode", "--json", "-", stdin=frames, env={"HANBENCH_KEY": KEY, "HANBENCH_AUTH_KEY": AUTH_KEY})
    assert good.exit_code == 0 and "frame_counter" in good.stdout
    wrong = _run("decode", "--json", "-", stdin=frames, env={"HANBENCH_KEY": AUTH_KEY, "HANBENCH_AUTH_KEY": KEY})
    errors = [json.loads(line)["error"] for line in wrong.stdout.splitlines()]
    assert wrong.exit_code == 1 and errors and all("the authentication tag does not verify" in e for e in errors)
    assert KEY not in wrong.stdout + wrong.stderr


@pytest.mark.parametrize(
    "args, env, message",
    [
        (
            ["sim", "--meter", "kamstrup-omnipower-dk", "--pty"],
            {},
            "Error: kamstrup-omnipower-dk encrypts its lists: give its keys in a keys file",
        ),
        (
            ["decode", "--key", "0011"],
            {},
            "Error: --key/--auth-key encryption key: must be 16 bytes (32 hex digits), not 2 bytes",
        ),
        (["decode", "--auth-key", KEY], {}, "Error: --auth-key (HANBENCH_AUTH_KEY) needs --key (HANBENCH_KEY) too"),
        (
            ["sim", "--meter", "kamstrup-omnipower-dk", "--pty", "--faults", "bad-fcs"],
            {"HANBENCH_KEYS_FILE": "/nonexistent/keys.toml"},
            "Error: cannot read keys file /nonexistent/keys.toml",
        ),
    ],
)
def test_key_errors_are_one_line_that_never_repeats_the_key(args, env, message):
    result = _run(*args, env=env, stdin="")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in result.stderr and KEY not in result.stderr


def test_a_bad_keys_file_names_the_table_and_field_not_the_key(tmp_path):
    path = tmp_path / "keys.toml"
    path.write_text('[kamstrup-omnipower-dk]\nencryption_key = "not-a-key-at-all"\n')
    result = _run("sim", "--meter", "kamstrup-omnipower-dk", "--pty", "--keys-file", str(path))
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "[kamstrup-omnipower-dk] encryption key: must be 32 hex digits" in line and "not-a-key" not in line


def test_the_line_rate_and_inversion_override_the_profile():
    profile = get_profile("kaifa-ma304h3e")
    settings = line_settings(profile.serial, "9600", True)
    assert (settings.baud, settings.inverted, settings.name) == (9600, True, "8E1")
    assert settings.byte_time == pytest.approx(11 / 9600)
    assert line_settings(profile.serial, None, None) == profile.serial


@pytest.mark.parametrize("baud, speed", [(2400, termios.B2400), (9600, termios.B9600), (115200, termios.B115200)])
def test_a_pty_shows_the_line_rate_to_a_reader_that_asks(baud, speed):
    with PtyLine(line_settings(get_profile("aidon-6534").serial, str(baud), None)) as line:
        fd = os.open(line.reader_path, os.O_RDONLY | os.O_NOCTTY)
        try:
            assert termios.tcgetattr(fd)[4] == speed
        finally:
            os.close(fd)


def test_sim_says_the_line_is_inverted(tmp_path):
    result = _sim("kaifa-ma304h3e", tmp_path / "sent.jsonl", "--baud", "9600", "--inverted")
    assert result.exit_code == 0, result.stderr
    assert "(9600 8E1, inverted: the reader must invert its input)" in result.stderr


@pytest.mark.parametrize("meter", ["kamstrup-omnipower-dk", "kaifa-ma309m-at", "aidon-6534-se"])
def test_decode_then_encode_gives_back_the_same_bytes(tmp_path, keys_file, meter):
    log = tmp_path / "sent.jsonl"
    assert _sim(meter, log, "--keys-file", str(keys_file)).exit_code == 0
    lines = [json.loads(line)["frame"] for line in log.read_text().splitlines()]
    decoded = _run("decode", "--json", "--key-file", str(keys_file), "-", stdin="\n".join(lines) + "\n")
    encoded = _run("encode", "--json", "--key-file", str(keys_file), "-", stdin=decoded.stdout)
    assert encoded.exit_code == 0, encoded.stderr
    assert encoded.stdout.split() == lines


def test_replay_of_an_encrypted_capture_without_keys_says_what_to_give(tmp_path, keys_file):
    log = tmp_path / "sent.jsonl"
    assert _sim("kamstrup-omnipower-dk", log, "--keys-file", str(keys_file)).exit_code == 0
    capture = tmp_path / "dk.log"
    capture.write_text("".join(f"-\t{json.loads(line)['frame']}\n" for line in log.read_text().splitlines()[:3]))
    blind = _run("replay", str(capture), "--pty", "--warp", "1000")
    assert blind.exit_code == 1
    assert blind.stderr.strip().splitlines()[-1] == (
        f"Error: {capture}: no frame names its meter (encrypted? give --keys-file, or name it with --meter)"
    )
    named = _run(
        "replay",
        str(capture),
        "--pty",
        "--warp",
        "1000",
        "--sent-log",
        str(tmp_path / "r.jsonl"),
        env={"HANBENCH_KEYS_FILE": str(keys_file)},
    )
    assert named.exit_code == 0, named.stderr
    assert "replaying" in named.stderr and "(kamstrup-omnipower-dk)" in named.stderr
