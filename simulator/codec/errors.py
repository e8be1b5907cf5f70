"""The codec's one exception: a frame that cannot be built or understood."""

from ..errors import SimulatorError

__all__ = ["FrameError"]


class FrameError(SimulatorError, ValueError):
    """A frame is malformed, fails a CRC, or matches no meter profile; the message says which."""
