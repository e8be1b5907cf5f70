"""The HAN frame codec: HDLC type 3, A-XDR and COSEM, and the per-make lists.

Pure functions over bytes and profiles: no serial ports, no time, no I/O.
"""

from .crc import crc16_x25
from .errors import FrameError
from .frames import FrameDecoder, decode_frame, encode_frame
from .hdlc import DeframerStats, HdlcDeframer, HdlcFrame, build_frame, parse_frame

__all__ = [
    "crc16_x25",
    "FrameError",
    "FrameDecoder",
    "decode_frame",
    "encode_frame",
    "DeframerStats",
    "HdlcDeframer",
    "HdlcFrame",
    "build_frame",
    "parse_frame",
]
