"""Raw passthrough: each frame the reader read, flags included, as hexadecimal text on the reader's topic.

The frame is read with the bench's own codec, so a reader that passes on every byte it
checked is judged on the values the frame carries, and one that alters, drops or
delays a frame fails as any other reader would. A list sent in several frames
(segmented, ciphered) is not one frame here: such meters are judged in a decoded format.
"""

from meter_profiles import FIELDS
from simulator.codec import FrameDecoder, FrameError

from ..payload import MAX_PAYLOAD
from .common import unreadable
from .registry import Publication, adapter

__all__ = ["RawHex"]


@adapter("raw")
class RawHex:
    """One frame in hex per message on the reader's topic, read as the meter's list."""

    def __init__(self, topic: str):
        self.topic = topic
        # One decoder for the whole run, as a reader on one line: a list 1 is credited to the model last seen.
        self._decoder = FrameDecoder()

    def feed(self, message: dict) -> list[Publication]:
        """A publication for a hex frame on the reader's topic; nothing for other topics."""
        if message["topic"] != self.topic:
            return []
        try:
            frame = self._frame(message)
            reading = self._decoder.decode(frame)
        except (ValueError, FrameError) as error:
            return [unreadable(message, self.topic, f"not a frame in hexadecimal ({error})")]
        fields = {name: value for name, value in reading.items() if name in FIELDS}
        return [Publication(message["t"], self.topic, fields)]

    @staticmethod
    def _frame(message: dict) -> bytes:
        text = message.get("payload")
        if text is None:
            raise ValueError("not UTF-8 text")
        if len(text) > MAX_PAYLOAD:
            raise ValueError(f"{len(text)} characters, more than the {MAX_PAYLOAD} a message may have")
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise ValueError("a character that is not a hexadecimal digit") from None

    def flush(self) -> list[Publication]:
        """Nothing is held back: every message is a whole frame."""
        return []
