"""The HAN frame codec: HDLC type 3, A-XDR and COSEM, and the per-make lists.

Pure functions over bytes and profiles: no serial ports, no time, no I/O.
"""

from .crc import crc16_x25
from .errors import FrameError
from .frames import FrameDecoder, decode_frame, encode_frame
from .generic import GenericList, read_list
from .hdlc import DeframerStats, HdlcDeframer, HdlcFrame, build_frame, parse_frame
from .stream import FramesFound, frames_in

__all__ = [
    "DeframerStats",
    "FrameDecoder",
    "FrameError",
    "FramesFound",
    "GenericList",
    "HdlcDeframer",
    "HdlcFrame",
    "build_frame",
    "crc16_x25",
    "decode_frame",
    "encode_frame",
    "frames_in",
    "parse_frame",
    "read_list",
]
