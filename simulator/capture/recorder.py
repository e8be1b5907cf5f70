"""Recording a real meter: frames with host receive times, in the captures/ format.

The serial settings are found by trying 8E1 then 8N1 until a frame passes
both CRCs and decodes; the decoded frame names the make and model. On a line
without parity (a pty, a socket) both settings work, so the meter's own
profile decides.
"""

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import serial

from meter_profiles import SerialSettings, get_profile

from ..codec import FrameDecoder, FrameError, HdlcDeframer
from ..lines import LineError, open_error
from .logfile import format_frame_line

__all__ = ["CANDIDATES", "Detection", "detect", "record"]

CANDIDATES = (SerialSettings(parity="E"), SerialSettings(parity="N"))
_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


class Detection:
    """What detection found: the serial settings, the meter profile, and the first frame with its time."""

    def __init__(self, settings: SerialSettings, meter: str, first: tuple[datetime, bytes]) -> None:
        self.settings, self.meter, self.first = settings, meter, first


def _open(port: str, settings: SerialSettings) -> serial.Serial:
    local = "://" not in port
    try:
        return serial.serial_for_url(
            port,
            baudrate=settings.baud,
            bytesize=settings.bytesize,
            parity=_PARITY[settings.parity],
            stopbits=settings.stopbits,
            timeout=0.05,
            exclusive=True if local else None,
        )
    except (serial.SerialException, OSError, ValueError) as error:
        raise open_error(port, error) from None


def _read(port_handle: serial.Serial, port: str) -> bytes:
    try:
        return port_handle.read(4096)
    except (serial.SerialException, OSError) as error:
        raise LineError(f"{port} went away mid-capture (adapter unplugged?): {error}") from None


def _first_frame(port: str, settings: SerialSettings, window_s: float) -> tuple[str, datetime, bytes] | None:
    handle, deframer, decoder = _open(port, settings), HdlcDeframer(), FrameDecoder()
    try:
        deadline = time.monotonic() + window_s
        while time.monotonic() < deadline:
            for frame in deframer.feed(_read(handle, port)):
                try:
                    return decoder.decode(frame)["meter"], datetime.now(), frame
                except FrameError:
                    continue
    finally:
        handle.close()
    return None


def detect(port: str, window_s: float = 12.0, candidates=CANDIDATES) -> Detection:
    """Find the serial settings and the meter on `port`, listening up to `window_s` per setting."""
    for settings in candidates:
        found = _first_frame(port, settings, window_s)
        if found is not None:
            meter, received, frame = found
            # Where parity cannot be seen (pty, socket) the first setting works for any meter: trust the profile.
            return Detection(get_profile(meter).serial, meter, (received, frame))
    names = " or ".join(s.name for s in candidates)
    raise LineError(f"no HAN frame on {port} in {window_s:g} s at {names}: is the meter connected and pushing?")


def record(
    port: str,
    out: Path,
    *,
    duration_s: float | None = None,
    max_frames: int | None = None,
    settings: SerialSettings | None = None,
    window_s: float = 12.0,
    on_frame: Callable[[int, str], None] | None = None,
) -> int:
    """Record frames from `port` into `out` until the duration or frame count is reached; the number recorded."""
    detection = detect(port, window_s, (settings,) if settings else CANDIDATES)
    profile = get_profile(detection.meter)
    deframer, decoder, count = HdlcDeframer(), FrameDecoder(), 0
    handle = _open(port, detection.settings)
    started = time.monotonic()
    with open(out, "w", encoding="utf-8") as file:
        file.write(f"# {profile.description}, {profile.serial.baud} {detection.settings.name} (detected)\n")
        file.write(f"# captured by hanbench from {port}; host receive times are local time\n")
        file.write("# one frame a line: host receive time (or -), a tab, the frame in hex\n")
        file.write(format_frame_line(*detection.first) + "\n")  # the frame detection found is the first of the capture
        count = 1
        try:
            while (duration_s is None or time.monotonic() - started < duration_s) and (max_frames is None or count < max_frames):
                chunk = _read(handle, port)
                received = datetime.now()
                for frame in deframer.feed(chunk):
                    file.write(format_frame_line(received, frame) + "\n")
                    file.flush()
                    count += 1
                    if on_frame is not None:
                        on_frame(count, _describe(decoder, frame))
        finally:
            handle.close()
    return count


def _describe(decoder: FrameDecoder, frame: bytes) -> str:
    try:
        decoded = decoder.decode(frame)
    except FrameError as error:
        return f"undecodable: {error}"
    return f"{decoded['meter']} list {decoded['list']} {decoded.get('meter_time', '')}".rstrip()
