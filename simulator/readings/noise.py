"""Seeded noise that is a pure function of (seed, key, index).

A scenario's value at any instant must not depend on which instants were
asked for before it: a run that starts at 23:59:50 and one that starts at noon
agree where they overlap, and a warped run equals a real-time one. So every
random draw is a hash of where it is, not the next number of a stream.
"""

import zlib

__all__ = ["Noise", "key_of"]

_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    # splitmix64's finaliser: cheap, and every input bit moves every output bit.
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def key_of(name: str) -> int:
    """A stable number for a name (str hashes change between Python runs; CRC-32 does not)."""
    return zlib.crc32(name.encode("utf-8"))


class Noise:
    """One seeded stream of draws, addressed by index rather than taken in order."""

    def __init__(self, seed: int, name: str) -> None:
        self._base = _mix(_mix(seed & _MASK) ^ key_of(name))

    def unit(self, index: int) -> float:
        """A uniform number in [0, 1) for this index."""
        return _mix(self._base ^ (index & _MASK)) / 2.0**64

    def spread(self, index: int, amplitude: float) -> float:
        """A uniform number in [-amplitude, amplitude) for this index."""
        return (2.0 * self.unit(index) - 1.0) * amplitude
