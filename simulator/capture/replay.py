"""Playing a capture back onto a line with its original gaps, or warped.

Each frame leaves at the instant that keeps the recorded spacing: the host
receive times where the file has them, else the meter clock in the frames.
The sent log records what went out, with the values the codec reads from it.
"""

import threading
import time
from datetime import datetime

from ..codec import FrameError
from ..codec.link import LinkDecoder
from ..codec.security import KeyRing
from ..faults import Transmission
from ..lines import Line
from ..run.runner import RunStats
from ..run.sentlog import SentEntry, SentLog, SentValues, sent_entry
from ..run.transmit import transmit
from ..timing import Pacer
from .logfile import Capture, CaptureError

__all__ = ["frame_offsets", "replay_capture"]


def decoded_frames(capture: Capture, keys: KeyRing | None = None) -> list[dict | None]:
    """Each frame's reading as a reader joins and deciphers them: None for a frame that does not decode
    and for every piece of a segmented list but its last."""
    decoder, found = LinkDecoder(keys=keys), []
    for captured in capture.frames:
        try:
            found.append(decoder.feed(captured.frame))
        except FrameError:
            found.append(None)
    return found


def frame_offsets(capture: Capture, byte_time: float, keys: KeyRing | None = None) -> list[float]:
    """Seconds from the first frame's start to each frame's start, as recorded."""
    if all(f.received is not None for f in capture.frames):
        # A receive time is when the last byte came: the frame started its own length earlier.
        ends = [f.received for f in capture.frames if f.received is not None]
        starts = [(end - ends[0]).total_seconds() - len(f.frame) * byte_time for end, f in zip(ends, capture.frames)]
        return [s - starts[0] for s in starts]
    times = [(decoded or {}).get("meter_time") for decoded in decoded_frames(capture, keys)]
    stamps = [datetime.fromisoformat(t) for t in times if t is not None]
    if len(stamps) != len(times):
        raise CaptureError(f"{capture.path}: some frames have neither a receive time nor a meter time to place them")
    return [(stamp - stamps[0]).total_seconds() for stamp in stamps]


def _entry(seq: int, decoded: dict | None, tx: Transmission, times: tuple[float, float], offset: float) -> SentEntry:
    readings = {k: v for k, v in (decoded or {}).items() if k not in ("meter", "list")}
    values = SentValues(
        meter=(decoded or {}).get("meter", ""),
        list=(decoded or {}).get("list", 0),
        meter_time=readings.get("meter_time", ""),
        readings=readings,
    )
    return sent_entry(seq, values, tx.frame, [], decoded is not None, times, offset)


def replay_capture(
    capture: Capture,
    line: Line,
    *,
    warp: float | None = 1.0,
    sent_log: SentLog | None = None,
    byte_pacing: bool = True,
    stop: threading.Event | None = None,
    keys: KeyRing | None = None,
) -> RunStats:
    """Send every frame of `capture` on an open `line`, spaced as recorded (divided by `warp`; None: back to back).

    `keys` decipher an encrypted meter's frames for the sent log's readings; the frames go out as recorded.
    """
    offsets = frame_offsets(capture, line.serial.byte_time, keys)
    readings = decoded_frames(capture, keys)
    sent_log = sent_log if sent_log is not None else SentLog()
    pacer = Pacer(warp, stop)
    byte_time = pacer.byte_time(line.serial.byte_time) if byte_pacing else None
    wall_offset = time.time() - time.monotonic()
    stats = RunStats()
    for seq, (captured, at, decoded) in enumerate(zip(capture.frames, offsets, readings)):
        tx = Transmission(captured.frame)
        with pacer.punctual():
            if not pacer.wait(at):
                break
            times = transmit(line, tx, byte_time)
        sent_log.write(_entry(seq, decoded, tx, times, wall_offset))
        stats.entries += 1
        stats.elapsed = at
        stats.frames[(decoded or {}).get("list", 0)] += 1
    return stats
