"""Capture and replay of a real meter's traffic, in the captures/ file format."""

from .learn import Learned, LearnError, learn_profile
from .logfile import Capture, CapturedFrame, CaptureError, format_frame_line, read_capture
from .recorder import Detection, detect, record
from .replay import frame_offsets, replay_capture

__all__ = [
    "Capture",
    "CaptureError",
    "CapturedFrame",
    "Detection",
    "LearnError",
    "Learned",
    "detect",
    "format_frame_line",
    "frame_offsets",
    "learn_profile",
    "read_capture",
    "record",
    "replay_capture",
]
