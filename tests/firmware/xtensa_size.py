"""Cross-compiles the firmware core for the ESP8266 (xtensa-lx106) and counts what it costs there.

`python -m tests.firmware.xtensa_size` prints the table the README quotes; the size
test holds the core to its budget with the same numbers.

Where a section ends up follows the ESP8266 Arduino core's linker script: code and
its literals, `.irom.text` (PROGMEM, the core's HAN_FLASH) and the C++ vtables
(VTABLES_IN_FLASH, the default since core 2.5) stay in flash; `.data`, `.bss` and
every other `.rodata` section are in the 80 KB of data RAM. To that the sketch adds
its one statically allocated ReaderApp, whose size comes from a probe object built
with the same flags (firmware/esp8266/size_probe.cpp).

The same build writes gcc's stack usage and call graph (HANREADER_STACK_USAGE);
tests/firmware/xtensa_stack.py turns them into the worst-case stack depth of each
entry point the sketch calls, which the report prints after the sizes.
"""

import subprocess
from collections import Counter
from pathlib import Path

from tests.firmware import xtensa_stack
from tests.firmware.harness import FIRMWARE, locked

BUILD = FIRMWARE / "build-xtensa"
PROBE = BUILD / "CMakeFiles/hansizeprobe.dir/esp8266/size_probe.cpp.obj"
FLASH_BUDGET = 40 * 1024  # code, literals and the constants kept in flash
RAM_BUDGET = 4 * 1024  # data RAM: .data + .bss + .rodata left in DRAM + the ReaderApp and ReaderLoop objects
# The parts of the ReaderApp object the probe measures, in the order the report lists them.
APP_PARTS = ("deframer", "classic_document", "mqtt_client", "settings", "reading")


def build_core() -> Path:
    """Builds libhancore.a and the size probe with the xtensa toolchain file; returns the archive."""
    with locked(BUILD):
        for command in (
            [
                "cmake",
                "-S",
                str(FIRMWARE),
                "-B",
                str(BUILD),
                f"-DCMAKE_TOOLCHAIN_FILE={FIRMWARE / 'esp8266/xtensa-toolchain.cmake'}",
                "-DHANREADER_STACK_USAGE=ON",
            ],
            ["cmake", "--build", str(BUILD), "-j", "2"],
        ):
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(
                    f"xtensa build failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
                )
    return BUILD / "libhancore.a"


def placement(section: str) -> str | None:
    """'flash', 'data', 'bss' or 'rodata' (left in data RAM) for a section name; None for metadata."""
    if section.startswith((".text", ".literal", ".irom.text", ".rodata._ZTV")):
        return "flash"
    for family in ("data", "bss", "rodata"):
        if section == f".{family}" or section.startswith(f".{family}."):
            return family
    return None


def section_sizes(archive: Path) -> Counter:
    """Bytes by placement over every object in the archive, plus the flash constants on their own."""
    out = subprocess.run(
        ["xtensa-lx106-elf-size", "-A", str(archive)], capture_output=True, text=True, check=True
    ).stdout
    sizes: Counter[str] = Counter()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[0].startswith("."):
            continue
        where = placement(parts[0])
        if where:
            sizes[where] += int(parts[1])
        if parts[0].startswith((".irom.text", ".rodata._ZTV")):
            sizes["flash_constants"] += int(parts[1])
    return sizes


def app_sizes() -> dict:
    """sizeof(han::ReaderApp) and of its large parts on the target, from the probe's symbol sizes."""
    out = subprocess.run(["xtensa-lx106-elf-nm", "-S", str(PROBE)], capture_output=True, text=True, check=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("han_size_"):
            sizes[parts[3].removeprefix("han_size_")] = int(parts[1], 16)
    return sizes


def report() -> dict:
    """Flash and RAM of the core on the ESP8266, RAM by part."""
    sections = section_sizes(build_core())
    app = app_sizes()
    figures = {
        "flash": sections["flash"],
        "flash_constants": sections["flash_constants"],
        "data": sections["data"],
        "bss": sections["bss"],
        "rodata_in_ram": sections["rodata"],
        "reader_app": app["reader_app"],
        "reader_loop": app["reader_loop"],
    }
    figures.update({f"  {part}": app[part] for part in APP_PARTS})
    figures["  rest"] = app["reader_app"] - sum(app[part] for part in APP_PARTS)
    figures["ram"] = sections["data"] + sections["bss"] + sections["rodata"] + app["reader_app"] + app["reader_loop"]
    return figures


def stack_report() -> xtensa_stack.StackReport:
    """Worst-case stack depth of each entry point the sketch calls, over the same build."""
    build_core()
    return xtensa_stack.stack_depths(BUILD, FIRMWARE)


def print_stack(stack: xtensa_stack.StackReport) -> None:
    """Bytes per entry point, the deepest chain of the worst one frame by frame, and what is not counted."""
    print(
        f"worst-case stack from each entry point, bytes (budget {xtensa_stack.STACK_BUDGET} ="
        f" {xtensa_stack.CONT_STACK} cont stack - {xtensa_stack.RESERVE} reserve):"
    )
    for entry, depth in stack.depths.items():
        print(f"  {entry:<20} {depth.bytes:>7}")
    worst_entry, worst = max(stack.depths.items(), key=lambda item: item[1].bytes)
    print(f"deepest chain ({worst_entry}):")
    for name, frame in worst.chain:
        print(f"  {frame:>7}  {name}")
    print(f"not counted: the board layer behind {', '.join(sorted(stack.board_calls))}; library calls")


if __name__ == "__main__":
    figures = report()
    print("xtensa-lx106 core (-Os -mlongcalls -ffunction-sections -fdata-sections -fno-jump-tables), bytes:")
    for name, value in figures.items():
        print(f"  {name:<20} {value:>7}")
    print(f"  budget: flash <= {FLASH_BUDGET}, ram <= {RAM_BUDGET}")
    print_stack(stack_report())
