"""Cross-compiles the firmware core for the ESP8266 (xtensa-lx106) and sums its sections.

`python -m tests.firmware.xtensa_size` prints the table the README quotes; the size
test holds the core to its budget with the same numbers.
"""

import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from tests.firmware.harness import FIRMWARE

BUILD = FIRMWARE / "build-xtensa"
SIZE = "xtensa-lx106-elf-size"
TEXT_BUDGET = 40 * 1024   # flash: code and literals, plus the constants (.rodata)
RAM_BUDGET = 4 * 1024     # static RAM: .data + .bss


def build_core() -> Path:
    """Builds libhancore.a with the xtensa toolchain file; returns the archive."""
    for command in (
        ["cmake", "-S", str(FIRMWARE), "-B", str(BUILD), f"-DCMAKE_TOOLCHAIN_FILE={FIRMWARE / 'esp8266/xtensa-toolchain.cmake'}"],
        ["cmake", "--build", str(BUILD), "-j", "2"],
    ):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"xtensa build failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return BUILD / "libhancore.a"


def section_sizes(archive: Path) -> Counter:
    """Bytes per section family (.text, .rodata, .data, .bss) over every object in the archive."""
    out = subprocess.run([SIZE, "-A", str(archive)], capture_output=True, text=True, check=True).stdout
    sizes = Counter()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("."):
            family = "." + parts[0].split(".")[1]
            if family in (".text", ".literal", ".rodata", ".data", ".bss"):
                sizes[".text" if family == ".literal" else family] += int(parts[1])
    return sizes


def app_object_size() -> int:
    """sizeof(han::ReaderApp) on the target: the RAM the sketch's one static app object takes."""
    with tempfile.TemporaryDirectory() as work:
        probe = Path(work) / "probe.cpp"
        probe.write_text('#include "reader.h"\nchar app_probe[sizeof(han::ReaderApp)];\n')
        obj = Path(work) / "probe.o"
        subprocess.run(["xtensa-lx106-elf-g++", "-std=c++17", "-Os", "-mlongcalls", "-ffreestanding", "-fno-exceptions",
                        "-fno-rtti", f"-I{FIRMWARE / 'core'}", f"-isystem{FIRMWARE / 'esp8266/freestanding'}",
                        "-c", str(probe), "-o", str(obj)], check=True, capture_output=True)
        return section_sizes(obj)[".bss"] or _common_size(obj)


def _common_size(obj: Path) -> int:
    out = subprocess.run(["xtensa-lx106-elf-nm", "-S", str(obj)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[1], 16)


def report() -> dict:
    sizes = section_sizes(build_core())
    return {
        "text": sizes[".text"], "rodata": sizes[".rodata"], "data": sizes[".data"], "bss": sizes[".bss"],
        "flash": sizes[".text"] + sizes[".rodata"], "static_ram": sizes[".data"] + sizes[".bss"],
        "app_object": app_object_size(),
    }


if __name__ == "__main__":
    figures = report()
    print("xtensa-lx106 core (-Os -mlongcalls -ffunction-sections -fdata-sections):")
    for name, value in figures.items():
        print(f"  {name:<11} {value:>7} bytes")
    print(f"  budget: text+rodata <= {TEXT_BUDGET}, data+bss <= {RAM_BUDGET}")
