"""`hanbench profiles`, `decode` and `encode` as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bench.cli import cli
from meter_profiles import bundled_profiles

ROOT = Path(__file__).parents[3]
KAIFA_LOG = ROOT / "captures" / "kaifa-ma304h3e-2017-09-14.log"
KAIFA_L1 = "7EA027010201105A87E6E7000F40000000090C07E1090E04131F02FF80000002010600000398ABAD7E"


def _run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_profiles_json_lists_every_model():
    result = _run("profiles", "--json")
    assert result.exit_code == 0
    names = [p["name"] for p in json.loads(result.output)]
    assert {"kamstrup-6841121-u1", "kamstrup-6841131", "kaifa-ma304t4"} <= set(names) and len(names) == len(
        bundled_profiles()
    )


def test_profiles_table_names_each_model():
    result = _run("profiles")
    assert result.exit_code == 0 and "aidon-6525" in result.output and "8N1" in result.output


def test_decode_prints_a_readable_row_per_frame():
    result = _run("decode", str(KAIFA_LOG))
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert len(rows) == 1 + 1500
    assert "2017-09-14T19:31:10" in rows[5] and "I1 1.38 A" in rows[5] and "MA304H3E" not in rows[5]


def test_decode_json_then_encode_json_gives_back_the_frames():
    """The real command in a real pipe: decode --json F | encode --json - is F's frames."""
    hanbench = [sys.executable, "-m", "bench"]
    decoded = subprocess.run([*hanbench, "decode", "--json", str(KAIFA_LOG)], capture_output=True, check=True, cwd=ROOT)
    encoded = subprocess.run(
        [*hanbench, "encode", "--json", "-"], input=decoded.stdout, capture_output=True, check=True, cwd=ROOT
    )
    frames = [line.split("\t")[1] for line in KAIFA_LOG.read_text().splitlines() if not line.startswith("#")]
    assert encoded.stdout.decode().split() == frames
    assert b"decoded 1500 frames, 0 failed" in decoded.stderr


def test_bad_lines_get_one_error_each_and_the_good_frames_still_decode():
    bad_crc = KAIFA_L1[:-6] + "0000" + "7E"
    stdin = "\n".join(["7EA0", "not hex at all", bad_crc, KAIFA_L1[:40], KAIFA_L1]) + "\n"
    result = _run("decode", "--json", "-", stdin=stdin)
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("error", "ok").split(":")[0] for line in lines] == ["line 1", "line 2", "line 3", "line 4", "ok"]
    assert "bad FCS" in lines[2]["error"] and "truncated" in lines[3]["error"]
    assert lines[4]["active_power_import"] == 920
    assert "Traceback" not in result.output


def test_a_positional_list_of_an_unknown_shape_keeps_its_values_by_position():
    from meter_profiles import get_profile
    from simulator.codec import build_frame

    profile = get_profile("kaifa-ma304h3e")
    info = bytes.fromhex(KAIFA_L1)[9:-3].replace(b"\x02\x01\x06", b"\x02\x02\x06") + b"\x00"
    frame = build_frame(profile.hdlc.dst, profile.hdlc.src, 0x10, info).hex()
    result = _run("decode", "--json", "-", stdin=frame + "\n")
    assert result.exit_code == 0
    decoded = json.loads(result.stdout)
    assert decoded["meter"] == "kaifa-unknown" and decoded["extra"] == {"item 0": 920, "item 1": None}


def test_encode_reports_each_bad_line_and_builds_the_rest():
    good = json.dumps(
        {"meter": "kaifa-ma304h3e", "list": 1, "meter_time": "2017-09-14T19:31:02", "active_power_import": 920}
    )
    stdin = "\n".join(['{"meter": "kaifa-ma30", "list": 1}', "{oops", '{"error": "line 3: bad FCS"}', good]) + "\n"
    result = _run("encode", "--json", "-", stdin=stdin)
    assert result.exit_code == 1
    assert result.stdout.split() == [KAIFA_L1]
    assert "line 1: unknown meter 'kaifa-ma30': did you mean" in result.stderr
    assert "line 2: not JSON" in result.stderr
    assert "line 3: holds a decode error" in result.stderr


def test_a_missing_file_is_one_line_and_exit_2():
    result = _run("decode", "/no/such/capture.log")
    assert result.exit_code == 2 and "No such file or directory" in result.output


def test_run_takes_a_profile_file_and_names_the_run_after_the_profile(tmp_path):
    from bench.dut import make_dut
    from bench.run import LoopOptions
    from bench.run_cli import _runs
    from meter_profiles import PROFILE_DIR

    path = tmp_path / "my-kaifa.toml"
    path.write_text((PROFILE_DIR / "kaifa-ma304t4.toml").read_text().replace('"kaifa-ma304t4"', '"my-kaifa"'))
    runs = _runs(str(path), None, {"duration": "1min"}, LoopOptions(), make_dut("host", tmp_path))
    assert [(r.name, r.options["meter"]) for r in runs] == [("my-kaifa", str(path))]
