"""The station: one unit at a time through the OpenHTF test, its record kept before the next board goes in.

Order matters for records that are never lost: the in-progress marker is
written before the first phase touches the board, the marker says which phase
runs, and it is removed only after the unit's record, its verdict line and
the day's summary are on disk.
"""

import threading
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

import openhtf as htf
from openhtf.util import console_output

from .console import BoardFault
from .duts import StationCommandDut
from .errors import FlashError, RecordError
from .phases import build_phases
from .plugs import bind_plugs
from .record_store import RecordStore, default_url, now_iso
from .unit import StationConfig, Unit
from .unit_record import unit_record

__all__ = ["TEST_NAME", "Station"]

TEST_NAME = "hanbench-selftest"
WATCH_EVERY_S = 0.1


def _hanbench_version() -> str:
    try:
        return version("hanbench")
    except PackageNotFoundError:
        return "source"


class _PhaseWatcher(threading.Thread):
    """Writes the running phase's name into the unit's marker as the test moves on."""

    def __init__(self, test: htf.Test, note):
        super().__init__(daemon=True, name="phase watcher")
        self._test, self._note, self._done = test, note, threading.Event()
        self.error: RecordError | None = None

    def run(self) -> None:
        last = None
        while not self._done.wait(WATCH_EVERY_S):
            state = self._test.state
            running = state.running_phase_state if state else None
            if running is not None and running.name != last:
                last = running.name
                try:
                    self._note(last)
                except RecordError as error:  # the database went away: the unit's record will say so when kept
                    self.error = error
                    return

    def stop(self) -> None:
        """Stop watching."""
        self._done.set()
        self.join()


class Station:
    """A self-test station over one record directory."""

    def __init__(self, config: StationConfig):
        self.config = config
        if config.dut_cmd:
            StationCommandDut(config.record_dir, config.dut_cmd)  # a bad template is refused before any unit
        self.store = RecordStore(
            config.records or default_url(config.record_dir), config.record_dir, config.station_id
        ).open()
        # The station prints its own progress and verdict; OpenHTF's banner would say it twice.
        console_output.CLI_QUIET = True

    def recover(self) -> list[dict]:
        """Records for the units a crash or power cut left unfinished."""
        return self.store.recover()

    def _new_unit(self, serial_number: str | None) -> tuple[Unit, dict]:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        key = f"{stamp}-{serial_number or 'unscanned'}"
        log_dir = self.config.record_dir / "logs" / key
        header = {
            "unit": key,
            "serial_number": serial_number,
            "started": now_iso(),
            "station": {
                "id": self.config.station_id,
                "operator": self.config.operator,
                "dut": self.config.dut,
                "dut_cmd": self.config.dut_cmd,
                "hanbench": _hanbench_version(),
                "openhtf": version("openhtf"),
            },
            "logs": str(log_dir.relative_to(self.config.record_dir)),
        }
        return Unit(key, self.config, serial_number, log_dir, topic=f"hanbench/selftest/{key}"), header

    def test_unit(self, serial_number: str | None = None) -> dict:
        """Test one board and keep its record; the record (a LimitsError, before anything starts, for a bad label)."""
        if serial_number is not None:
            self.config.limits.check_serial_number(serial_number)
        unit, header = self._new_unit(serial_number)
        self.store.begin(unit.key, header)
        unit.log_dir.mkdir(parents=True, exist_ok=True)
        bound = bind_plugs(unit)
        test = htf.Test(
            *(phase.with_plugs(**bound) for phase in build_phases(self.config.limits, self.config.burst)),
            test_name=TEST_NAME,
        )
        test.configure(failure_exceptions=[BoardFault, FlashError], stop_on_first_failure=not self.config.keep_going)
        finished: list[htf.TestRecord] = []
        test.add_output_callbacks(finished.append)
        watcher = _PhaseWatcher(test, lambda phase: self.store.note_phase(unit.key, phase))
        watcher.start()
        try:
            test.execute(test_start=lambda: serial_number or unit.key)
        finally:
            watcher.stop()
        record = unit_record(finished[0], unit, header)
        self.store.finish(record)
        return record
