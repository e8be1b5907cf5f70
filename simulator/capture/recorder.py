"""Recording a real meter: frames with host receive times, in the captures/ format.

The serial settings are found by trying 8E1 then 8N1 at 2400 baud, then at
9600, then 8N1 at 115200, until a frame passes both CRCs and decodes; the
decoded frame names the make and model. On a line without parity or rate (a
pty, a socket) the first setting works, so the meter's own profile decides.
An encrypted meter's frames name it only with its keys; without them, valid
frames that are ciphered still prove the settings, and the capture records
them as an encrypted meter's.
"""

import termios
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import serial

from meter_profiles import SerialSettings, get_profile

from ..codec import FrameError, parse_frame
from ..codec.link import LinkDecoder, LinkDeframer
from ..codec.mbus import parse_mbus_frame
from ..codec.security import GLO_CIPHERING, KeyRing, SecurityError
from ..lines import LineError, open_error
from .logfile import format_frame_line

__all__ = ["CANDIDATES", "Detection", "detect", "record"]

CANDIDATES = (SerialSettings(parity="E"), SerialSettings(parity="N"), SerialSettings(baud=9600, parity="E"),
              SerialSettings(baud=9600, parity="N"), SerialSettings(baud=115200, parity="N"))
_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


class Detection:
    """What detection found: serial settings, meter profile, the frames read meanwhile, and the port, still open."""

    def __init__(self, settings, meter: str | None, frames: list, handle: serial.Serial, deframer: LinkDeframer,
                 system_title: bytes | None = None) -> None:
        self.settings, self.meter, self.frames, self.handle, self.deframer = settings, meter, frames, handle, deframer
        # An encrypted meter without its keys: no model, only the system title its frames carry.
        self.system_title = system_title


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
    except (serial.SerialException, OSError, ValueError, termios.error) as error:
        raise open_error(port, error) from None


def _read(port_handle: serial.Serial, port: str) -> bytes:
    try:
        return port_handle.read(4096)
    except (serial.SerialException, OSError) as error:
        raise LineError(f"{port} went away mid-capture (adapter unplugged?): {error}") from None


def _identify(handle: serial.Serial, port: str, window_s: float, deframer: LinkDeframer, keys: KeyRing):
    """The meter on the port (or the system title of a ciphered one) and the frames read to find it;
    None if no frame decoded in the window.

    A list 1 carries no meter type, so listening goes on until a frame names
    the model (or the window ends). The deframer keeps any partial frame for
    the recording that follows.
    """
    decoder, frames, meter, title, named = LinkDecoder(keys=keys), [], None, None, False
    deadline = time.monotonic() + window_s
    while time.monotonic() < deadline and not named:
        chunk = _read(handle, port)
        received = datetime.now()
        for frame in deframer.feed(chunk):
            frames.append((received, frame))
            try:
                decoded = decoder.feed(frame)
            except SecurityError:
                title = title or _system_title(frame)
                continue
            except FrameError:
                continue
            if decoded is not None:
                meter, named = decoded["meter"], named or "meter_type" in decoded
    if meter or title:
        return meter, frames, None if meter else title
    return None


def _system_title(frame: bytes) -> bytes | None:
    """The system title of a ciphered list's first frame (after the LLC header or the M-Bus fields: DB 08, eight bytes)."""
    apdu = parse_frame(frame).info[3:] if frame[0] == 0x7E else parse_mbus_frame(frame).piece
    return bytes(apdu[2:10]) if apdu[:2] == bytes((GLO_CIPHERING, 8)) else None


def _adopt(handle: serial.Serial, settings: SerialSettings) -> None:
    # Where parity cannot be seen (a pty, a socket) the first setting works for any meter; the port
    # then takes the meter's own settings if it can, and needs none if it cannot.
    try:
        handle.baudrate = settings.baud
        handle.parity = _PARITY[settings.parity]
    except (serial.SerialException, OSError, ValueError, termios.error):
        pass


def detect(port: str, window_s: float = 12.0, candidates=CANDIDATES, keys: KeyRing | None = None) -> Detection:
    """Find the serial settings and the meter on `port`, listening up to `window_s` per setting.

    The port is left open on the settings found (Detection.handle): reopening
    would lose frames, and a pty refuses a second parity change.
    """
    for settings in candidates:
        handle, deframer = _open(port, settings), LinkDeframer()
        found = _identify(handle, port, window_s, deframer, keys or KeyRing())
        if found is None:
            handle.close()
            continue
        meter, frames, title = found
        if meter is None:
            return Detection(settings, None, frames, handle, deframer, title)
        profile_settings = get_profile(meter).serial
        if (profile_settings.baud, profile_settings.parity) != (settings.baud, settings.parity):
            _adopt(handle, profile_settings)
        return Detection(profile_settings, meter, frames, handle, deframer)
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
    keys: KeyRing | None = None,
) -> int:
    """Record frames from `port` into `out` until the duration or frame count is reached; the number recorded.

    `keys` let an encrypted meter be named; without them its frames are recorded as they came, ciphered.
    """
    detection = detect(port, window_s, (settings,) if settings else CANDIDATES, keys)
    deframer, decoder, handle = detection.deframer, LinkDecoder(keys=keys), detection.handle
    limit = max_frames if max_frames is not None else float("inf")
    started = time.monotonic()
    with open(out, "w", encoding="utf-8") as file:
        file.write(f"# {_what(detection)}, {detection.settings.baud} {detection.settings.name} (detected)\n")
        file.write(f"# captured by hanbench from {port}; host receive times are local time\n")
        file.write("# one frame a line: host receive time (or -), a tab, the frame in hex\n")
        pending = list(detection.frames)  # the frames detection read are the first of the capture
        count = 0
        try:
            while count < limit and (duration_s is None or time.monotonic() - started < duration_s):
                for received, frame in pending[: int(min(len(pending), limit - count))]:
                    file.write(format_frame_line(received, frame) + "\n")
                    file.flush()
                    count += 1
                    if on_frame is not None:
                        on_frame(count, _describe(decoder, frame))
                chunk = _read(handle, port) if count < limit else b""
                received = datetime.now()
                pending = [(received, frame) for frame in deframer.feed(chunk)]
        finally:
            handle.close()
    return count


def _what(detection: Detection) -> str:
    """The capture's first comment: the meter's description, or an encrypted meter's system title."""
    if detection.meter is None:
        return f"an encrypted meter, system title {detection.system_title.hex().upper()} (no keys given)"
    return get_profile(detection.meter).description


def _describe(decoder: LinkDecoder, frame: bytes) -> str:
    try:
        decoded = decoder.feed(frame)
    except FrameError as error:
        return f"undecodable: {error}"
    if decoded is None:
        return "a piece of a list"
    return f"{decoded['meter']} list {decoded['list']} {decoded.get('meter_time', '')}".rstrip()
