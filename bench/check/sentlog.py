"""The simulator's sent log, read for judging: one frame a line, the ground truth of the run."""

from pathlib import Path

import orjson

from simulator.run.sentlog import REQUIRED_KEYS, SentEntry

from ..errors import CheckError

__all__ = ["REQUIRED_KEYS", "read_sent_log"]


def read_sent_log(path: Path) -> list[SentEntry]:
    """Every frame of a sent log, in seq order; a torn last line (the simulator was killed) is left out."""
    path = Path(path)
    if not path.exists():
        raise CheckError(f"no sent log at {path}: the meter never started; see meter.log beside it")
    frames = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break
            frames.append(_frame(line, number, path))
    return sorted(frames, key=lambda frame: frame["seq"])


def _frame(line: bytes, number: int, path: Path) -> SentEntry:
    try:
        frame: SentEntry = orjson.loads(line)  # as the writer wrote it; its required keys are checked below
    except orjson.JSONDecodeError as error:
        text = line[:60].decode("utf-8", "replace")
        raise CheckError(f"{path}:{number}: a sent-log line must be JSON, not {text!r} ({error})") from None
    missing = [key for key in REQUIRED_KEYS if key not in frame]
    if missing:
        raise CheckError(f"{path}:{number}: a sent-log line must have {', '.join(missing)}; it has {', '.join(frame)}")
    return frame
