"""Worst-case stack depth of the firmware core on the ESP8266, from gcc's own call graph.

The sketch's setup() and loop() run on the Arduino core's "cont" stack, 4096 bytes
(CONT_STACKSIZE in cores/esp8266/cont.h of esp8266/Arduino); nothing checks it at
run time, and an overflow corrupts whatever lies below it. The xtensa build is
compiled with `-fstack-usage -fcallgraph-info=su` (HANREADER_STACK_USAGE), so gcc
writes a .ci file per object: each function's frame after inlining (an inlined
callee's locals are in its caller's frame) and every call it still makes. The depth
of an entry point is its frame plus the deepest of its callees', over the whole
core; recursion is an error, except AxdrReader::skip_depth, bounded by kMaxDepth.

Counted: every frame in libhancore.a, calls between its objects, and virtual calls
into the core's own classes (an MQTT message reaching ReaderApp, a console reply
reaching MqttReplySink, a payload's write_to). gcc records a virtual call only as
"__indirect_call" at a source position; the method named there (or in the
arguments of the call that starts there) is taken to reach every core override of
that name in the core's vtables, which over-counts when two classes share a name.
A virtual call this cannot name fails the check instead of counting nothing.

Not counted, and left to the reserve:
- the board layer behind the Platform and ByteStream interfaces (platform.h):
  Serial1.println, LittleFS saving the settings, WiFiClient writing into lwIP;
- library calls (memcpy, strlen, libgcc's 64-bit division): small leaf routines,
  most of them in the ESP8266 ROM;
- the sketch's own frames (esp8266/src/main.cpp: loop, serve_portal, read_meter
  with its 64-byte buffer) and the Arduino core's loop_wrapper below loop().
The reserve is a chosen margin, not a measurement: 1.5 KiB, the 1.3 KB a settings
save on SPIFFS was measured to take on the cont stack (letscontrolit/ESPEasy issue
#1824; no such figure was found for LittleFS) plus the sketch's few frames.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CONT_STACK = 4096  # the ESP8266 Arduino core's CONT_STACKSIZE
RESERVE = 1536  # board layer, library calls, sketch frames (see above)
STACK_BUDGET = CONT_STACK - RESERVE
INDIRECT = "__indirect_call"
# What firmware/esp8266/src/main.cpp calls in the core from setup() and loop(), all on the cont stack.
ENTRY_POINTS = {
    "portal request": "han::PortalRequest::answer",
    "reader loop": "han::ReaderLoop::poll",  # all of the below but start and settings load
    "meter bytes": "han::ReaderApp::on_serial_bytes",
    "meter idle": "han::ReaderApp::on_serial_idle",
    "broker loop": "han::ReaderApp::loop",  # MQTT keep-alive, and commands over MQTT
    "console command": "han::run_console_command",
    "start": "han::ReaderApp::start",
    "settings load": "han::settings_parse",
}

_NODE = re.compile(r'^node: \{ title: "([^"]*)" label: "([^"]*)"( shape : ellipse)? \}$')
# A call into a function's own split-off part (foo.part.0) comes without a label.
_EDGE = re.compile(r'^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"(?: label: "([^"]*)")? \}$')
_FRAME = re.compile(r"\\n(\d+) bytes \(([a-z,]+)\)$")
_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")


class StackError(Exception):
    """The call graph cannot bound the stack: recursion, a dynamic frame, or a call it cannot follow."""


@dataclass
class Function:
    """One function as gcc emitted it: its frame, direct callees and indirect call sites."""

    title: str
    name: str
    frame: int
    calls: set[str] = field(default_factory=set)
    indirect_sites: set[str] = field(default_factory=set)


@dataclass
class Depth:
    """The deepest chain from an entry point: bytes and the functions on it, outermost first."""

    bytes: int
    chain: list[tuple[str, int]]


def call_graph_files(build: Path) -> list[Path]:
    """The .ci file of every object in libhancore.a (not stale ones of files since removed)."""
    members = subprocess.run(
        ["xtensa-lx106-elf-ar", "t", str(build / "libhancore.a")], capture_output=True, text=True, check=True
    ).stdout.split()
    objects = build / "CMakeFiles/hancore.dir"
    files = []
    for member in members:
        found = list(objects.rglob(member))
        if len(found) != 1 or not found[0].with_suffix(".ci").exists():
            raise StackError(f"no call graph for {member} under {objects}: build with -DHANREADER_STACK_USAGE=ON")
        files.append(found[0].with_suffix(".ci"))
    return files


def read_call_graph(files: list[Path]) -> dict[str, Function]:
    """Functions defined in the .ci files by title (mangled; 'file:mangled' for file-local ones)."""
    graph: dict[str, Function] = {}
    edges: list[tuple[str, ...]] = []  # source, target and (for an indirect call) its site
    for path in files:
        for line in path.read_text().splitlines():
            if node := _NODE.match(line):
                title, label, external = node.groups()
                if not external:
                    defined = _function(title, label)
                    graph[title] = max(graph.get(title, defined), defined, key=lambda f: f.frame)
            elif edge := _EDGE.match(line):
                edges.append(edge.groups())
            elif line.startswith("edge:"):
                raise StackError(f"{path.name}: a call edge this check cannot read, so it would go uncounted: {line}")
    for source, target, site in edges:
        if target == INDIRECT:
            graph[source].indirect_sites.add(site)
        else:
            graph[source].calls.add(target)
    return graph


def _function(title: str, label: str) -> Function:
    frame = _FRAME.search(label)
    if not frame:
        raise StackError(f"no frame size for {title} in its label {label!r}")
    if frame.group(2) != "static":
        raise StackError(f"{title} has a {frame.group(2)} frame; the core must not size its stack at run time")
    return Function(title, label.split("\\n")[0], int(frame.group(1)))


def virtual_overrides(files: list[Path], graph: dict[str, Function]) -> dict[str, set[str]]:
    """Method name -> titles of every core function some vtable of the core points to."""
    objects = [str(path.with_suffix(".obj")) for path in files]
    dump = subprocess.run(
        ["xtensa-lx106-elf-objdump", "-r", *objects], capture_output=True, text=True, check=True
    ).stdout
    symbols = set()
    in_vtable = False
    for line in dump.splitlines():
        if line.startswith("RELOCATION RECORDS FOR"):
            in_vtable = "._ZTV" in line
        elif in_vtable and "R_XTENSA_32" in line:
            symbol = line.split()[-1].removeprefix(".text.").split("+")[0]
            symbols.add(re.sub(r"^_ZThn\d+_", "_Z", symbol))  # a secondary base's thunk -> the method
    by_symbol: dict[str, list[str]] = {}
    for title in graph:
        by_symbol.setdefault(title.rpartition(":")[2], []).append(title)
    overrides: dict[str, set[str]] = {}
    for symbol in symbols & by_symbol.keys():
        for title in by_symbol[symbol]:
            method = graph[title].name.split("(")[0].rpartition("::")[2]
            overrides.setdefault(method, set()).add(title)
    return overrides


def platform_methods(header: Path) -> set[str]:
    """The virtual methods of the board interfaces in platform.h, which the core only calls."""
    return set(re.findall(r"virtual [^;(]*?\b(\w+)\(", header.read_text())) - {"~ByteStream", "~Platform"}


def names_called_at(site: str) -> set[str]:
    """Every function named in the call that starts at site ('file:line:col', the column of its '(').

    gcc places a call nested in another call's arguments at the outer call, so the
    arguments are searched too.
    """
    path, line, column = site.rsplit(":", 2)
    text = "\n".join(Path(path).read_text().splitlines()[int(line) - 1 :])
    start = int(column) - 1
    if text[start : start + 1] != "(":
        return set(_CALL.findall(text[start:].split(";", 1)[0]))
    names = set(re.findall(r"(\w+)\s*$", text[:start]))
    depth = 0
    for end in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0:
            break
    return names | set(_CALL.findall(text[start:end]))


def resolve_indirect(graph: dict[str, Function], overrides: dict[str, set[str]], board: set[str]) -> set[str]:
    """Adds the core overrides each virtual call can reach to its caller's callees; returns the board calls."""
    board_calls = set()
    for function in graph.values():
        for site in function.indirect_sites:
            names = names_called_at(site)
            reached = set().union(*(overrides.get(name, set()) for name in names))
            function.calls |= reached
            board_calls |= names & board
            if not reached and not names & board:
                raise StackError(
                    f"cannot tell what the indirect call at {site} in {function.name} reaches "
                    f"(named there: {sorted(names)}); teach firmware/tools/xtensa_stack.py"
                )
    return board_calls


def recursion_bounds(graph: dict[str, Function], firmware: Path) -> dict[str, int]:
    """Title -> frames deep for the core's one bounded recursion: AxdrReader::skip_depth.

    It enters with depth 0 to kMaxDepth + 1 (the last call returns at once), so it
    stacks kMaxDepth + 2 frames; kMaxDepth is read from core/axdr.cpp.
    """
    limit = re.search(r"constexpr int kMaxDepth = (\d+);", (firmware / "core/axdr.cpp").read_text())
    if not limit:
        raise StackError("core/axdr.cpp no longer defines kMaxDepth: say how deep skip_depth recurses")
    return {entry_title(graph, "han::AxdrReader::skip_depth"): int(limit.group(1)) + 2}


def deepest(
    graph: dict[str, Function], title: str, bounds: dict[str, int], known: dict[str, Depth], path: tuple[str, ...] = ()
) -> Depth:
    """Frame of title (times its recursion bound) plus its deepest callee's depth; calls outside the core count 0."""
    if title in path:
        cycle = " -> ".join(graph[t].name for t in (*path[path.index(title) :], title))
        raise StackError(f"recursion bounds no stack: {cycle}")
    if title not in known:
        function = graph[title]
        repeats = bounds.get(title, 1)
        callees = sorted(
            callee for callee in function.calls if callee in graph and not (callee == title and repeats > 1)
        )
        below = [deepest(graph, callee, bounds, known, (*path, title)) for callee in callees]
        worst = max(below, key=lambda depth: depth.bytes, default=Depth(0, []))
        frames = [(function.name, function.frame)] * repeats
        known[title] = Depth(function.frame * repeats + worst.bytes, frames + worst.chain)
    return known[title]


def entry_title(graph: dict[str, Function], qualified: str) -> str:
    """The one defined function whose name is qualified (e.g. 'han::ReaderApp::loop')."""
    pattern = re.compile(rf"(^|[\s*&]){re.escape(qualified)}\(")
    found = [title for title, function in graph.items() if pattern.search(function.name)]
    if len(found) != 1:
        raise StackError(f"expected one definition of {qualified} in the core, found {len(found)}")
    return found[0]


@dataclass
class StackReport:
    """Worst-case depth per entry point, and the board interface methods the core calls (not counted)."""

    depths: dict[str, Depth]
    board_calls: set[str]


def stack_depths(build: Path, firmware: Path) -> StackReport:
    """Reads the build's call graph and measures every entry point in ENTRY_POINTS."""
    files = call_graph_files(build)
    graph = read_call_graph(files)
    board = resolve_indirect(graph, virtual_overrides(files, graph), platform_methods(firmware / "core/platform.h"))
    bounds = recursion_bounds(graph, firmware)
    known: dict[str, Depth] = {}
    depths = {entry: deepest(graph, entry_title(graph, name), bounds, known) for entry, name in ENTRY_POINTS.items()}
    return StackReport(depths, board)
