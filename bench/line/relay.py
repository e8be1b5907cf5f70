"""A virtual serial line the bench owns: two ptys, bytes relayed from the meter's side to the reader's.

Run as `python -m bench.line.relay RUN_DIR`. The bench starts the reader on
its side first and the meter only once the reader is connected, so no frame
is written before anyone listens. Each side is a real pty the program under
test opens like a serial port. A reader that stops reading (restarted, or
dead) makes the relay drop bytes after a short wait, as a line with no one
listening would, rather than stall the meter. Every drop is the bench's own
loss, not the reader's: it goes to BENCH_FAULTS in the run folder with the
monotonic times it spans, and the checker excuses the frames it touched.
"""

import json
import os
import select
import signal
import sys
import time
import tty
from pathlib import Path

from bench.line import BENCH_FAULTS, READY_LINE

__all__ = ["relay"]

CHUNK = 1 << 16
# How long a reader may leave its tty full before bytes are dropped on the floor.
STALL_S = 0.5


def _pty() -> tuple[int, int, str]:
    master, slave = os.openpty()
    tty.setraw(slave)
    return master, slave, os.ttyname(slave)


def relay(run_dir: Path) -> None:
    """Make the pair, print both paths, relay meter to reader until SIGTERM."""
    meter_master, _meter_slave, meter_path = _pty()
    reader_master, _reader_slave, reader_path = _pty()
    os.set_blocking(reader_master, False)  # a full tty is waited for in _forward, never in write(2)
    (run_dir / "meter.tty").write_text(meter_path)
    (run_dir / "reader.tty").write_text(reader_path)
    print(f"{READY_LINE}: meter writes {meter_path}, reader reads {reader_path}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(run_dir / BENCH_FAULTS, "a") as faults:
        while True:
            readable, _, _ = select.select([meter_master, reader_master], [], [])
            if reader_master in readable:
                os.read(reader_master, CHUNK)  # what a reader writes to its HAN port goes nowhere
            if meter_master in readable:
                read_at = time.monotonic()
                dropped = _forward(os.read(meter_master, CHUNK), reader_master)
                if dropped:
                    _note_drop(faults, read_at, dropped)


def _note_drop(faults, read_at: float, dropped: int) -> None:
    """One line in the log for people, one in BENCH_FAULTS for the checker (flushed: a kill loses neither)."""
    what = f"the line relay dropped {dropped} bytes (the reader's side took none for {STALL_S:g} s)"
    print(what, flush=True)
    faults.write(json.dumps({"start": read_at, "end": time.monotonic(), "what": what}) + "\n")
    faults.flush()


def _forward(data: bytes, out: int) -> int:
    """Write data to the reader's side (non-blocking); the bytes dropped because it took none for STALL_S.

    The write comes first and the wait only when the tty is full: at warp max a
    select before every write was a system call a chunk for nothing.
    """
    while data:
        try:
            data = data[os.write(out, data) :]
        except BlockingIOError:
            _, writable, _ = select.select([], [out], [], STALL_S)
            if not writable:
                return len(data)
    return 0


if __name__ == "__main__":
    relay(Path(sys.argv[1]))
