"""DUT life cycle and the bench's command: out-of-order use, bad input and waits that explain themselves."""

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.broker import BrokerEndpoint
from bench.dut import CommandDut, Wiring, make_dut
from bench.errors import DutError, DutStateError
from bench.run_cli import run

HERE = Path(__file__).parent
WIRING = Wiring("/dev/null", "8E1", BrokerEndpoint("127.0.0.1", 1883), "t")


def test_a_dut_used_out_of_order_says_which_step_is_missing(tmp_path):
    dut = make_dut("cmd", tmp_path, command="true")
    with pytest.raises(
        DutStateError, match="cannot start a command DUT that is new; it must be built or stopped first"
    ):
        dut.start(WIRING)
    dut.build()
    with pytest.raises(
        DutStateError, match="cannot wait for the connection of a command DUT that is built; it must be started"
    ):
        dut.wait_connected()


def test_a_reader_that_never_connects_fails_the_wait_with_pattern_tail_and_log_path(tmp_path):
    dut = make_dut(
        "cmd", tmp_path, command=f"{sys.executable} -c \"print('opening {{tty}}'); import time; time.sleep(30)\""
    )
    dut.build()
    dut.start(WIRING)
    try:
        with pytest.raises(
            DutError,
            match=r"no line matching .* \(MQTT connected\) in the DUT's log within 0.5 s; "
            r"last lines of .*dut-command.log:\n.*\n    opening /dev/null",
        ):
            dut.wait_connected(timeout=0.5)
    finally:
        dut.stop()


def test_a_reader_that_exits_says_so_with_its_last_words(tmp_path):
    dut = make_dut("cmd", tmp_path, command=f"{sys.executable} -c \"print('no such tty'); raise SystemExit(3)\"")
    dut.build()
    dut.start(WIRING)
    with pytest.raises(DutError, match="exited while waiting for line matching .*\n.*\n    no such tty"):
        dut.wait_connected(timeout=5)


def test_a_restarted_reader_is_judged_by_its_own_log_lines_not_the_last_runs(tmp_path):
    """The log keeps the first run's 'mqtt connected'; a second run that dies must not pass the wait on it."""
    marker = tmp_path / "ran-once"
    script = (
        f"import pathlib, sys, time; m = pathlib.Path({str(marker)!r}); "
        "sys.exit('tty refused') if m.exists() else (m.touch(), print('mqtt connected', flush=True), time.sleep(30))"
    )
    dut = make_dut("cmd", tmp_path, command=f'{sys.executable} -c "{script}"')
    dut.build()
    dut.start(WIRING)
    dut.wait_connected(timeout=5)
    dut.restart()
    with pytest.raises(DutError, match=r"(?s)exited while waiting for line matching .*\n    tty refused$"):
        dut.wait_connected(timeout=5)


@pytest.mark.parametrize(
    "kind, options, message",
    [
        (
            "cmd",
            {"command": "reader {device}"},
            r"--dut-cmd may use \{tty\}, \{serial\}, \{mqtt_host\}, \{mqtt_port\}, \{topic\}, \{user\}, not \{device\}$",
        ),
        (
            "cmd",
            {"command": "reader --password {password}"},
            r"not \{password\} \(the password is in \$HANBENCH_MQTT_PASSWORD\)",
        ),
        ("rig", {}, r"--dut rig needs --port HAN_PORT"),
        ("cmd", {"command": ""}, r"--dut cmd needs --dut-cmd"),
    ],
)
def test_bad_dut_options_are_one_line_naming_the_fix(kind, options, message, tmp_path):
    with pytest.raises(DutError, match=message):
        make_dut(kind, tmp_path, **options)


def test_a_command_reader_gets_the_broker_password_in_its_environment_and_never_in_argv(tmp_path):
    secret = "s3cret-not-for-argv"
    wiring = Wiring("/dev/null", "8E1", BrokerEndpoint("127.0.0.1", 1883, "board", secret), "t")
    script = "import os, sys; print('mqtt connected', os.environ['HANBENCH_MQTT_PASSWORD'], sys.argv[1:], flush=True)"
    dut = make_dut("cmd", tmp_path, command=f'{sys.executable} -c "{script}" {{user}}')
    assert isinstance(dut, CommandDut)
    dut.build()
    assert secret not in " ".join(dut.argv(wiring))
    dut.start(wiring)
    dut.wait_connected(timeout=5)
    dut.stop()
    assert f"mqtt connected {secret} ['board']" in dut.log_path.read_text()


def test_a_rig_port_that_is_not_there_is_named_before_anything_runs(tmp_path):
    with pytest.raises(DutError, match="no HAN port /dev/ttyNOPE; plug the rig in"):
        make_dut("rig", tmp_path, port="/dev/ttyNOPE").build()


def test_the_command_exits_2_with_one_line_for_an_unknown_meter(tmp_path):
    outcome = CliRunner().invoke(
        run, ["--meter", "kaifa-ma999", "--dut", "cmd", "--dut-cmd", "x", "--report-dir", str(tmp_path)]
    )
    assert outcome.exit_code == 2
    assert outcome.output.strip().startswith("hanbench run: unknown meter 'kaifa-ma999'")
    assert "Traceback" not in outcome.output


def test_the_command_exits_1_with_a_table_of_what_failed(tmp_path):
    reader = f"{sys.executable} {HERE / 'fake_reader.py'} drop-tenth {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"
    outcome = CliRunner().invoke(
        run,
        [
            "--meter",
            "aidon-6515",
            "--duration",
            "40s",
            "--warp",
            "20",
            "--broker",
            "embedded",
            "--dut-cmd",
            reader,
            "--meter-cmd",
            f"{sys.executable} {HERE / 'fake_meter.py'}",
            "--report-dir",
            str(tmp_path),
        ],
    )
    assert outcome.exit_code == 1
    assert "What failed" in outcome.output and "published" in outcome.output and "0 of 1 runs passed" in outcome.output
    assert (tmp_path / "aidon-6515" / "report.html").exists() and (tmp_path / "junit.xml").exists()
