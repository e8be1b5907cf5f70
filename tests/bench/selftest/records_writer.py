"""One station's writes as fast as it can: `records_writer.py URL FOLDER STATION UNITS`, for the two-station tests."""

import sys
from pathlib import Path

from bench.selftest.record_store import RecordStore

PHASES = ("identify", "boot", "han_kaifa")


def write_units(url: str, folder: Path, station: str, units: int) -> None:
    """Start up like a station (recover), then begin, walk the phases and finish each unit."""
    store = RecordStore(url, folder, station).open()
    store.recover()
    for n in range(units):
        unit = f"{station}-{n:03d}"
        store.begin(unit, {"serial_number": f"SN-{station}-{n}", "station": {"id": station}})
        for phase in PHASES:
            store.note_phase(unit, phase)
        store.finish(
            {
                "unit": unit,
                "serial_number": f"SN-{station}-{n}",
                "outcome": "PASS",
                "ended": "2026-12-01T07:00:00Z",
                "failures": [],
                "phases": [],
                "station": {"id": station},
            }
        )


if __name__ == "__main__":
    write_units(sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
