"""A behavioural model of the line stage: what level the line should show, and for how long.

Written from the protocol's description (hardware/protocol.py), not from the
gateware, so a fault test can demand the gateware's whole waveform equal the
model's: the fault did what it says, and nothing else changed.
"""

from __future__ import annotations

from hardware.levels import Level
from hardware.protocol import Opcode, Parity, pack, pack_data, pack_format, pack_stretch

PARITIES = {"N": Parity.NONE, "E": Parity.EVEN, "O": Parity.ODD}


def to_wire(ops: list[list]) -> bytes:
    """Host bytes for a list of ops such as ["data", "7E A0"], ["flip", 16], ["wait", 5]."""
    out = bytearray()
    for name, *args in ops:
        if name == "data":
            out += pack_data(bytes.fromhex(args[0]))
        elif name == "format":
            out += pack_format(args[0], args[1])
        elif name == "stretch":
            out += pack_stretch(*args)
        else:
            out += pack(Opcode[name.upper()], *args)
    return bytes(out)


class LineModel:
    """Plays ops into a list of (level, cycles) segments."""

    def __init__(self, divisor: int, parity: str = "E", stop_bits: int = 1):
        self.divisor, self.parity, self.stop_bits = divisor, PARITIES[parity], stop_bits
        self.flip = 0
        self.stretch: tuple[int, int] | None = None  # a bit slot and the cycles it is held longer
        self.segments: list[tuple[Level, int]] = []

    def play(self, ops: list[list]) -> list[tuple[Level, int]]:
        """Segments for `ops`, equal neighbours merged."""
        for name, *args in ops:
            getattr(self, f"_{name}")(*args)
        return merge(self.segments)

    def _slots(self, byte: int) -> list[int]:
        slots = [0, *((byte >> i) & 1 for i in range(8))]
        if self.parity != Parity.NONE:
            slots.append((bin(byte).count("1") + (self.parity == Parity.ODD)) % 2)
        slots += [1] * self.stop_bits
        return [bit ^ ((self.flip >> i) & 1) for i, bit in enumerate(slots)]

    def _data(self, hex_bytes: str) -> None:
        for byte in bytes.fromhex(hex_bytes):
            for slot, bit in enumerate(self._slots(byte)):
                extra = self.stretch[1] if self.stretch and self.stretch[0] == slot else 0
                self.segments.append((Level.MARK if bit else Level.SPACE, self.divisor + extra))
            self.flip, self.stretch = 0, None

    def _format(self, parity: str, stop_bits: int) -> None:
        self.parity, self.stop_bits = PARITIES[parity], stop_bits

    def _set_divisor(self, divisor: int) -> None:
        self.divisor = divisor

    def _flip(self, mask: int) -> None:
        self.flip = mask

    def _stretch(self, slot: int, cycles: int) -> None:
        self.stretch = (slot, cycles)

    def _wait(self, bits: int) -> None:
        self.segments.append((Level.MARK, bits * self.divisor))

    def _break(self, bits: int) -> None:
        self.segments.append((Level.SPACE, bits * self.divisor))

    def _power_off(self, bits: int) -> None:
        self.segments.append((Level.OFF, bits * self.divisor))

    def _glitch(self, cycles: int) -> None:
        self.segments.append((Level.SPACE, cycles))


def merge(segments: list[tuple[Level, int]]) -> list[tuple[Level, int]]:
    """Join neighbouring segments of one level; drop empty ones."""
    out: list[tuple[Level, int]] = []
    for level, cycles in segments:
        if not cycles:
            continue
        if out and out[-1][0] == level:
            out[-1] = (level, out[-1][1] + cycles)
        else:
            out.append((level, cycles))
    return out


def observed_segments(levels: list[tuple[int, Level]]) -> list[tuple[Level, int]]:
    """Segments between the first and the last recorded change (the idle ends left out)."""
    return [(level, levels[i + 1][0] - time) for i, (time, level) in enumerate(levels[1:-1], 1)]


def trimmed(segments: list[tuple[Level, int]]) -> list[tuple[Level, int]]:
    """Segments without the idle mark before and after."""
    start = next((i for i, (level, _) in enumerate(segments) if level != Level.MARK), len(segments))
    segments = segments[start:]
    while segments and segments[-1][0] == Level.MARK:
        segments = segments[:-1]
    return segments


def first_difference(seen: list, expected: list) -> str:
    """Where two segment lists part, with a little context, for a failure message."""
    index = next(
        (i for i, (a, b) in enumerate(zip(seen, expected, strict=False)) if a != b), min(len(seen), len(expected))
    )
    window = slice(max(index - 2, 0), index + 3)
    return (
        f"segments differ at {index} ({len(seen)} seen, {len(expected)} expected): "
        f"seen {seen[window]}, expected {expected[window]}"
    )
