"""The whole loop through the gateware: a minute of Kaifa meter time over --line mbus-sim into the host firmware.

At --warp max the meter sends frame after frame, so the wall time is the
line time at 2400 baud (about 8 s for this minute) divided by how fast
Amaranth's simulator runs the gateware and the receiver model.
"""

import json

from bench import Bench, LoopOptions, make_dut


def test_a_minute_of_kaifa_through_the_gateware_passes_against_the_host_build(tmp_path):
    bench = Bench(make_dut("host", tmp_path), tmp_path, LoopOptions())
    result = bench.run("kaifa-ma304h3e", duration="1min", warp="max", line="mbus-sim")
    result.assert_passed()
    verdict = result.verdict
    assert verdict.frames == verdict.expected == verdict.publications == 30  # a frame every 2 s, each published
    # Even at max warp every frame took its 2400-baud line time through the simulated UART
    # (a plain pty at max warp hands a frame over in microseconds).
    serial = result.run.profile.serial
    for frame in result.frames:
        assert frame["end_mono"] - frame["start_mono"] >= (len(frame["frame"]) // 2 - 1) * serial.byte_time
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert summary["run"]["line"] == "mbus-sim"


def test_the_host_build_passes_the_emulators_fault_plans_through_the_gateware(tmp_path):
    """A stretched start bit, a glitch and a power cut in one run: the reader drops what it must and nothing else."""
    bench = Bench(make_dut("host", tmp_path), tmp_path, LoopOptions())
    result = bench.run(
        "kaifa-ma304h3e", duration="1min", warp="max", line="mbus-sim", faults="stretch,glitch,power-off"
    )
    result.assert_passed()
    struck = {fault["name"] for frame in result.frames for fault in frame["faults"]}
    assert {"stretch", "glitch", "power-off"} <= struck
    verdict = result.verdict
    assert verdict.publications == verdict.expected < verdict.frames  # the stretched and cut frames dropped
