"""The whole loop against readers run through --dut-cmd: a right one passes, each wrong one fails for its reason."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bench import Bench, LoopOptions, make_dut
from bench.run.session import QUIET_S

HERE = Path(__file__).parent
FAKE_METER = (sys.executable, str(HERE / "fake_meter.py"))


def reader(mode: str) -> str:
    return f"{sys.executable} {HERE / 'fake_reader.py'} {mode} {{tty}} {{mqtt_host}} {{mqtt_port}} {{topic}}"


# A right reader answers in milliseconds; the limit leaves room for two pytest workers on two busy cores.
# The late reader (fake_reader.LATE_S, 1.5 s) is judged against the bench's default of 1 s.
LATENCY_LIMIT_S = {"late": 1.0}


def bench_for(mode: str, folder: Path) -> Bench:
    options = LoopOptions(broker="embedded", meter_command=FAKE_METER, latency_limit_s=LATENCY_LIMIT_S.get(mode, 3.0))
    return Bench(make_dut("cmd", folder, command=reader(mode)), folder, options)


@pytest.mark.parametrize(
    "mode, meter, reason, words",
    [
        ("scale", "kaifa-ma304h3e", "values", "current_l1 sent 4, published 40 (resolution 0.001)"),
        ("drop-tenth", "aidon-6534", "published", "was not published"),
        ("bad-crc", "aidon-6534", "corrupt-frames", "was corrupted (bad-fcs) but published"),
        ("late", "kamstrup-6841121", "latency", "s from its last byte to the message (limit 1 s)"),
    ],
)
def test_a_wrong_reader_fails_for_its_reason(mode, meter, reason, words, tmp_path):
    result = bench_for(mode, tmp_path).run(meter, duration="50s", warp=25, faults="bad-fcs")
    assert not result.passed
    assert result.verdict.reasons() == {reason}
    assert words in result.verdict.failures[0].detail
    assert f"{reason}: " in result.explain() and str(result.dut_log) in result.explain()
    with pytest.raises(AssertionError, match=reason):
        result.assert_passed()


def test_a_right_reader_passes_and_the_run_folder_holds_every_log_and_report(tmp_path):
    result = (
        bench_for("good", tmp_path).run("kaifa-ma304h3e", duration="40s", warp=20, faults="bad-fcs").assert_passed()
    )
    names = {p.name for p in result.run_dir.iterdir()}
    assert {
        "sent.jsonl",
        "received.jsonl",
        "dut-command.log",
        "meter.log",
        "observer.log",
        "summary.json",
        "junit.xml",
        "report.html",
    } <= names
    assert result.verdict.latency.count == result.verdict.expected
    assert (tmp_path / "junit.xml").read_text().count("<testcase") == 7


def test_a_reader_slower_than_the_drains_quiet_but_within_the_limit_passes_with_its_last_messages(tmp_path):
    # Every message comes LATE_S (1.5 s) after its frame: the last ones long after the meter ended and after more
    # than QUIET_S of silence, so the drain must wait out the last frame's latency limit (3 s) before its quiet.
    options = LoopOptions(broker="embedded", meter_command=FAKE_METER, latency_limit_s=3.0)
    bench = Bench(make_dut("cmd", tmp_path, command=reader("late")), tmp_path, options)
    result = bench.run("kamstrup-6841121", duration="50s", warp=25).assert_passed()
    assert result.verdict.latency.count == result.verdict.expected > 0
    assert min(result.verdict.latency.samples) > QUIET_S


def test_a_reader_restarted_mid_run_passes_and_what_it_missed_is_reported(tmp_path):
    result = bench_for("good", tmp_path).run("aidon-6534", duration="60s", warp=15, restart_reader_at=0.4)
    result.assert_passed()
    assert [e.reason for e in result.excuses] == ["the reader restarted"]


def test_a_broker_restarted_mid_run_is_survived_and_the_loss_is_reported(tmp_path):
    result = bench_for("good", tmp_path).run("kaifa-ma304h3e", duration="80s", warp=20, restart_broker_at=0.4)
    result.assert_passed()
    assert result.verdict.excused and all("the broker restarted" in f.detail for f in result.verdict.excused)


def test_the_html_report_opens_in_headless_chromium_without_errors(tmp_path):
    result = bench_for("bad-crc", tmp_path).run("aidon-6534", duration="40s", warp=20, faults="bad-fcs")
    shot = tmp_path / "report.png"
    chromium = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tempfile.mkdtemp()}",
            "--enable-logging=stderr",
            "--v=0",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            f"file://{result.run_dir / 'report.html'}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert chromium.returncode == 0 and shot.stat().st_size > 10_000
    assert "Uncaught" not in chromium.stderr and "CONSOLE" not in chromium.stderr
    html = (result.run_dir / "report.html").read_text()
    assert "FAIL" in html and "<svg" in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")
