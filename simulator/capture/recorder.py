"""Recording a real meter: frames with host receive times, in the captures/ format.

The serial settings are found by frames that pass both checksums, not by a
profile: 8E1 then 8N1 at each baud tried (2400; 9600 and 115200 when asked),
so a meter no profile knows is recorded too. A line that carries no parity (a
pty, a socket) passes frames at any setting; there the meter's profile, or its
make's usual setting, is what gets recorded, and the capture says so.
HDLC and M-Bus long frames are both found. An encrypted meter's lists name
it only with its keys; without them its frames are recorded as they came,
and the capture names its system title.
"""

import os
import termios
import time
from collections.abc import Callable
from datetime import datetime
from itertools import product
from pathlib import Path

import serial

from meter_profiles import SerialSettings, get_profile

from ..codec import FrameError, parse_frame
from ..codec.generic import MAKES
from ..codec.link import LinkDecoder, LinkDeframer
from ..codec.mbus import parse_mbus_frame
from ..codec.security import GLO_CIPHERING, KeyRing, SecurityError
from ..lines import LineError, open_error
from .logfile import format_frame_line

__all__ = ["BAUDS", "CANDIDATES", "Detection", "candidates", "detect", "record"]

BAUDS = (2400, 9600, 115200)
_PARITIES = ("E", "N")
_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


def candidates(bauds: tuple[int, ...] = (2400,), parities: tuple[str, ...] = _PARITIES) -> tuple[SerialSettings, ...]:
    """The settings detection tries, in order: each parity at each baud."""
    return tuple(SerialSettings(baud=baud, parity=parity) for baud, parity in product(bauds, parities))


CANDIDATES = candidates()


class Detection:
    """What detection found: serial settings and how, the meter, the frames read meanwhile, and the port, still open."""

    def __init__(
        self,
        settings: SerialSettings,
        how: str,
        decoded: dict | None,
        frames: list,
        handle: serial.Serial,
        deframer: LinkDeframer,
        system_title: bytes | None = None,
    ) -> None:
        self.settings, self.how, self.frames, self.handle, self.deframer = settings, how, frames, handle, deframer
        self.decoded = decoded or {}
        self.meter = self.decoded.get("meter", "unknown")
        self.system_title = system_title  # of a ciphered meter no key named

    @property
    def description(self) -> str:
        """The meter in words: its profile's description, or its make and type as sent."""
        if self.meter == "unknown" and self.system_title:
            return f"an encrypted meter, system title {self.system_title.hex().upper()} (no keys given)"
        if self.meter.endswith("-unknown") or self.meter == "unknown":
            make = self.meter.split("-")[0].capitalize()
            return f"{make} meter {self.decoded.get('meter_type', '(type not yet sent)')} that no profile knows"
        return get_profile(self.meter).description


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


def _listen(
    handle: serial.Serial, port: str, window_s: float, deframer: LinkDeframer, keys: KeyRing
) -> tuple[list, dict | None, bytes | None]:
    """Frames that passed their checksums, the decoded frame that names the meter best, and the system title
    of ciphered frames no key opened, within the window.

    Listening goes on after the first frame until one names the model (a list
    1 carries no meter type) or the window ends. The deframer keeps any
    partial frame for the recording that follows.
    """
    decoder, frames, best, title = LinkDecoder(keys=keys), [], None, None
    deadline = time.monotonic() + window_s
    while time.monotonic() < deadline and not (best and "meter_type" in best):
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
                continue  # it passed its checksums, which is what the settings are judged by
            if decoded is not None and (best is None or "meter_type" in decoded):
                best = decoded
    return frames, best, title


def _system_title(frame: bytes) -> bytes | None:
    """The system title of a ciphered list's first frame (after the LLC header or the M-Bus fields: DB 08, eight bytes)."""
    apdu = parse_frame(frame).info[3:] if frame[0] == 0x7E else parse_mbus_frame(frame).piece
    return bytes(apdu[2:10]) if apdu[:2] == bytes((GLO_CIPHERING, 8)) else None


def _adopt(handle: serial.Serial, settings: SerialSettings) -> None:
    # A line without parity takes any setting; the port then takes the meter's own if it can, and needs none if not.
    try:
        handle.baudrate = settings.baud
        handle.parity = _PARITY[settings.parity]
    except (serial.SerialException, OSError, ValueError, termios.error):
        pass


def _carries_parity(port: str) -> bool:
    """Whether a wrong parity setting would spoil frames on this port: not on a pty or a socket."""
    return "://" not in port and not os.path.realpath(port).startswith("/dev/pts/")


def _usual_settings(decoded: dict | None, found: SerialSettings) -> tuple[SerialSettings, str]:
    meter = (decoded or {}).get("meter", "unknown")
    if meter != "unknown" and not meter.endswith("-unknown"):
        return get_profile(meter).serial, f"profile {meter}'s setting"
    make = meter.split("-")[0]
    if make in MAKES:
        return SerialSettings(**MAKES[make]["serial"]), f"{make} meters' usual setting"
    return found, "the first setting tried"


def detect(port: str, window_s: float = 12.0, candidates=CANDIDATES, keys: KeyRing | None = None) -> Detection:
    """Find the serial settings on `port` by frames that pass their checksums, and the meter, listening up to
    `window_s` per setting.

    The port is left open on the settings found (Detection.handle): reopening
    would lose frames, and a pty refuses a second parity change.
    """
    for settings in candidates:
        handle, deframer = _open(port, settings), LinkDeframer()
        frames, decoded, title = _listen(handle, port, window_s, deframer, keys or KeyRing())
        if not frames:
            handle.close()
            continue
        if _carries_parity(port):
            how = "frames passed their checksums at this setting"
            return Detection(settings, how, decoded, frames, handle, deframer, title)
        usual, whose = _usual_settings(decoded, settings)
        if (usual.baud, usual.parity) != (settings.baud, settings.parity):
            _adopt(handle, usual)
        how = f"{port} carries no parity, so frames pass at any setting: recorded as {whose}"
        return Detection(usual, how, decoded, frames, handle, deframer, title)
    names = " or ".join(f"{s.baud} {s.name}" for s in candidates)
    raise LineError(
        f"no HAN frame passed its checksums on {port} in {window_s:g} s at {names}: "
        "is the meter connected and pushing? (--baud auto tries 9600 and 115200 too)"
    )


def record(
    port: str,
    out: Path,
    *,
    duration_s: float | None = None,
    max_frames: int | None = None,
    tried: tuple[SerialSettings, ...] = CANDIDATES,
    window_s: float = 12.0,
    on_frame: Callable[[int, str], None] | None = None,
    keys: KeyRing | None = None,
) -> int:
    """Record frames from `port` into `out` until the duration or frame count is reached; the number recorded.

    `tried`: the serial settings detection tries, in order. `keys` let an encrypted meter be named;
    without them its frames are recorded as they came, ciphered.
    """
    detection = detect(port, window_s, tried, keys)
    deframer, decoder, handle = detection.deframer, LinkDecoder(keys=keys), detection.handle
    limit = max_frames if max_frames is not None else float("inf")
    started = time.monotonic()
    with open(out, "w", encoding="utf-8") as file:
        file.write(f"# {detection.description}, {detection.settings.baud} {detection.settings.name} (detected)\n")
        file.write(f"# serial settings: {detection.how}\n")
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


def _describe(decoder: LinkDecoder, frame: bytes) -> str:
    try:
        decoded = decoder.feed(frame)
    except FrameError as error:
        return f"undecodable: {error}"
    if decoded is None:
        return "a piece of a list"
    return f"{decoded['meter']} list {decoded['list']} {decoded.get('meter_time', '')}".rstrip()
