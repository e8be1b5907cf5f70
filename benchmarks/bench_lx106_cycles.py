"""The reader's ESP8266 machine code, measured on the emulated lx106 (qemu-system-xtensa).

1. Instructions per frame for each make and list, stage by stage (deframe, decode,
   classic JSON, MQTT publish), over every captured frame and one frame the simulator
   builds for each list of every bundled profile: hancycles-lx106.elf reads
   CCOUNT around each stage under `-icount shift=5`, where QEMU retires one instruction
   per 32 ns of virtual time and CCOUNT runs at 40 MHz of it: 1.28 ticks an instruction,
   the same count on every run. QEMU charges one cycle an instruction, so the figures are
   a floor for the board's cycles (no flash-cache misses, no load or branch stalls). The
   worst frame is then given in microseconds at the ESP8266's 80 MHz and as a share of
   its own time on the wire at 2400 baud.
2. The deepest stack the image used over the whole "qemu" run set of `nox -s bench`
   (start.S paints the 4 KiB loop stack; the image logs its high-water mark), next to
   the static worst case of the core that tests/firmware/xtensa_stack.py derives.

usage: python benchmarks/bench_lx106_cycles.py [--no-runs]   (--no-runs: the cycles only)
"""

import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_codec import sample_reading

from bench import Bench, LoopOptions
from bench.dut import QemuDut
from bench.dut.qemu import qemu_argv
from bench.run.runsets import load_set
from meter_profiles import bundled_profiles
from simulator.codec import encode_frame
from tests.firmware import xtensa_size, xtensa_stack
from tests.firmware.harness import build_lx106, write_every_frame

ICOUNT_SHIFT = 5
TICKS_PER_INSTRUCTION = 32 * 40e6 / 1e9  # 2**ICOUNT_SHIFT ns an instruction, CCOUNT at 40 MHz
BOARD_HZ = 80e6
STAGES = ("deframe", "decode", "json", "publish")


def cycles_per_frame(images: Path, capture: Path) -> dict[tuple[str, int], list[dict]]:
    """(make, list) -> one dict per frame: its bytes and the instructions of each stage."""
    out = subprocess.run(
        qemu_argv(images / "hancycles-lx106.elf", [str(capture)], icount=ICOUNT_SHIFT),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    rows = defaultdict(list)
    for line in out.splitlines():
        make, list_number, length, *ticks = line.split()
        if make == "refused":
            continue
        row = {"bytes": int(length), **{s: int(t) / TICKS_PER_INSTRUCTION for s, t in zip(STAGES, ticks)}}
        rows[(make, int(list_number))].append(row)
    return rows


def add_simulated_frames(capture: Path) -> int:
    """One frame per list of every bundled profile appended to the capture file; how many."""
    frames = [
        encode_frame(profile, number, sample_reading(profile, number)).hex().upper()
        for profile in bundled_profiles().values()
        for number in profile.lists
    ]
    with capture.open("a") as out:
        out.write("\n".join(frames) + "\n")
    return len(frames)


def wire_seconds(make: str, length: int) -> float:
    """A frame's own time on the wire at its make's serial setting (2400 baud)."""
    serial = next(p.serial for p in bundled_profiles().values() if p.make == make)
    return length * serial.byte_time


def print_cycles(rows: dict[tuple[str, int], list[dict]]) -> None:
    print(f"instructions per frame on the lx106 (median over frames; worst frame at {BOARD_HZ / 1e6:.0f} MHz):")
    print(
        f"{'make':<10}{'list':>5}{'frames':>8}{'bytes':>7}"
        + "".join(f"{s:>10}" for s in STAGES)
        + f"{'total':>10}{'worst':>10}{'worst us':>10}{'of wire':>9}"
    )
    for (make, number), frames in sorted(rows.items()):
        totals = [sum(f[s] for s in STAGES) for f in frames]
        worst = max(range(len(frames)), key=totals.__getitem__)
        worst_us = totals[worst] / BOARD_HZ * 1e6
        share = worst_us / 1e6 / wire_seconds(make, frames[worst]["bytes"])
        print(
            f"{make:<10}{number:>5}{len(frames):>8}{frames[worst]['bytes']:>7}"
            + "".join(f"{statistics.median(f[s] for f in frames):>10.0f}" for s in STAGES)
            + f"{statistics.median(totals):>10.0f}{totals[worst]:>10.0f}{worst_us:>10.0f}{share:>9.3%}"
        )


def stack_over_the_qemu_set(images: Path, work: Path) -> None:
    dut = QemuDut(work, image=images / "hanreader-lx106.elf")
    bench = Bench(dut, work, LoopOptions(broker="embedded"))
    deepest = {}
    for named in load_set("qemu"):
        result = bench.run(name=named.name, **named.options)
        deepest[named.name] = (dut.stack_high_water(), "PASS" if result.passed else "FAIL")
    static = xtensa_size.stack_report()
    worst_entry, worst = max(static.depths.items(), key=lambda item: item[1].bytes)
    print("deepest stack used on the emulated board, bytes of the 4096-byte loop stack:")
    for name, (used, verdict) in deepest.items():
        print(f"  {name:<32}{used:>6}  ({verdict})")
    print(f"  {'over the whole set':<32}{max(used for used, _ in deepest.values()):>6}")
    print(
        f"static worst case of the core alone: {worst.bytes} bytes ({worst_entry}); budget {xtensa_stack.STACK_BUDGET}"
        f" = {xtensa_stack.CONT_STACK} - {xtensa_stack.RESERVE} reserve"
    )


def main(with_runs: bool) -> None:
    images = build_lx106()
    with tempfile.TemporaryDirectory() as work:
        capture = Path(work) / "every-frame.log"
        captured = write_every_frame(capture)
        simulated = add_simulated_frames(capture)
        print(f"{captured} captured frames and {simulated} built by the simulator, -icount shift={ICOUNT_SHIFT}")
        print_cycles(cycles_per_frame(images, capture))
        if with_runs:
            stack_over_the_qemu_set(images, Path(work) / "runs")


if __name__ == "__main__":
    main("--no-runs" not in sys.argv[1:])
