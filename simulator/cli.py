"""The simulator's commands: `sim`, `capture` and `replay`, thin over the Python API.

bench/cli.py registers them into the `hanbench` group. Every expected failure
(unknown meter, missing or busy port, bad scenario or plan) is one line and a
non-zero exit via click.ClickException.
"""

import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import click

from meter_profiles import ProfileError, SerialSettings, get_profile
from meter_profiles.schema import BAUD_RATES

from . import timing
from .capture import Capture, CaptureError, read_capture, record, replay_capture
from .capture.recorder import BAUDS, candidates
from .capture.replay import decoded_frames
from .errors import SimulatorError
from .faults import load_plans
from .keys import KEYS_FILE_ENV, KeysError, load_keys
from .lines import open_line
from .meter import parse_start
from .readings import load_scenario
from .run import RunStats, SentEntry, SentLog, run_meter
from .timing import parse_warp

__all__ = ["COMMANDS", "capture", "parse_duration", "replay", "sim"]

# Every error the simulator raises on purpose, and the profile loader's: one line each, never a traceback.
_EXPECTED = (ProfileError, SimulatorError, ValueError)


def parse_duration(text: str | None) -> float | None:
    """Seconds in `--duration`; None (no option) runs until Ctrl-C."""
    if text is None:
        return None
    try:
        return timing.parse_duration(text)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@contextmanager
def _one_line_errors():
    try:
        yield
    except _EXPECTED as error:
        raise click.ClickException(str(error)) from None


class _Status:
    """A live status line on stderr, redrawn at most four times a second."""

    def __init__(self) -> None:
        self._shown = 0.0

    def __call__(self, entry: SentEntry, stats: RunStats) -> None:
        now = time.monotonic()
        if now - self._shown < 0.25 or not sys.stderr.isatty():
            return
        self._shown = now
        lists = " ".join(f"L{n}:{stats.frames[n]}" for n in sorted(stats.frames))
        power = stats.last.get("active_power_import", "-")
        faults = " ".join(f"{k}:{v}" for k, v in stats.faults.items()) or "none"
        click.echo(f"\r{entry['meter_time']}  {lists}  P+ {power} W  faults {faults}\033[K", nl=False, err=True)


def line_settings(profile_serial: SerialSettings, baud: str | None, inverted: bool | None) -> SerialSettings:
    """The profile's serial settings with the line's own rate and inversion, where given."""
    changes = {"baud": int(baud)} if baud else {}
    if inverted is not None:
        changes["inverted"] = inverted
    return profile_serial.model_copy(update=changes)


def _serial_text(settings: SerialSettings) -> str:
    inverted = ", inverted: the reader must invert its input" if settings.inverted else ""
    return f"{settings.baud} {settings.name}{inverted}"


def _summary(stats: RunStats) -> str:
    lists = ", ".join(f"list {n}: {stats.frames[n]}" for n in sorted(stats.frames)) or "no frames"
    faults = ", ".join(f"{k}: {v}" for k, v in stats.faults.items()) or "none"
    return f"{stats.entries} entries ({lists}); faults {faults}; meter clock at {stats.meter_time or '-'}"


def _run_until_interrupt(work) -> RunStats:
    """Run `work(stop)` in a thread; Ctrl-C sets `stop`, so the run ends between frames with its sent log whole."""
    stop, outcome = threading.Event(), {}

    def target() -> None:
        try:
            outcome["stats"] = work(stop)
        except BaseException as error:  # handed to the main thread, which reports it
            outcome["error"] = error

    worker = threading.Thread(target=target, name="meter", daemon=True)
    worker.start()
    while worker.is_alive():
        try:
            worker.join(0.2)
        except KeyboardInterrupt:
            stop.set()
            click.echo("\nstopping (Ctrl-C)", err=True)
            worker.join(2.0)
            if worker.is_alive():
                raise click.ClickException("stopped while the line accepted no bytes (is a reader attached?)") from None
    if "error" in outcome:
        raise outcome["error"]
    return outcome["stats"]


def _keys_file_option(command):
    """--keys-file, as sim, capture and replay take it."""
    return click.option(
        "--keys-file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=KEYS_FILE_ENV,
        help=f"TOML file of meter keys, for a meter that encrypts (or set {KEYS_FILE_ENV}); keys never go in argv.",
    )(command)


def _capture_meter(recorded: Capture, keys, meter_name: str | None) -> tuple[str, SerialSettings]:
    """The meter in a capture and the serial settings to replay it at: its profile's, else the capture's own.

    The meter is --meter, else the first one the frames name, joined and deciphered as a reader would.
    """
    meter = meter_name or next((found["meter"] for found in decoded_frames(recorded, keys) if found), None)
    named = recorded.serial()
    if named is not None and (meter is None or meter.endswith("-unknown")):
        return meter or "an unnamed meter", named
    if meter is None:
        raise CaptureError(
            f"{recorded.path}: no frame names its meter (encrypted? give --keys-file, or name it with --meter)"
        )
    return meter, get_profile(meter).serial


@click.command()
@click.option(
    "--meter", "meter_name", required=True, help="Meter profile: a name (see `hanbench profiles`) or a .toml file."
)
@click.option("--port", help="Serial device or pyserial URL (socket://host:port, rfc2217://host:port).")
@click.option("--pty", is_flag=True, help="Make a virtual serial pair and print the reader's side.")
@click.option(
    "--line",
    "line_kind",
    default="serial",
    show_default=True,
    help="serial (the port or pty as it is), mbus (an emulator board on --port), mbus-sim (the gateware simulated).",
)
@click.option(
    "--scenario", default="household-day", show_default=True, help="Scenario name, .toml, csv:PATH or capture:PATH."
)
@click.option("--start", help="Meter wall time at the start, ISO 8601 (default: now).")
@click.option("--duration", help="Meter time to run: 90s, 10m, 48h (default: until Ctrl-C).")
@click.option("--warp", default="1", show_default=True, help="Meter clock speed: 1 real time, N times faster, or max.")
@click.option(
    "--faults", "fault_option", help="Fault plans, comma-separated, each optionally @rate (bad-fcs,garbage@0.5)."
)
@click.option(
    "--sent-log", type=click.Path(dir_okay=False, path_type=Path), help="Write the sent log (JSON Lines) here."
)
@click.option("--seed", type=int, help="Seed for the readings (default: the scenario's own).")
@click.option(
    "--no-byte-pacing", is_flag=True, help="Hand whole frames to a pty instead of pacing bytes at the line rate."
)
@click.option(
    "--baud",
    type=click.Choice([str(rate) for rate in BAUD_RATES]),
    help="Line rate instead of the profile's (a reader's autodetect meets the meter at another speed).",
)
@click.option(
    "--inverted/--not-inverted",
    default=None,
    help="Signal inverted or not, instead of the profile's (on a USB UART the adapter must be set to invert TX).",
)
@_keys_file_option
def sim(
    meter_name,
    port,
    pty,
    line_kind,
    scenario,
    start,
    duration,
    warp,
    fault_option,
    sent_log,
    seed,
    no_byte_pacing,
    baud,
    inverted,
    keys_file,
) -> None:
    """Run a simulated meter on a line until the duration ends or Ctrl-C."""
    with _one_line_errors():
        profile = get_profile(meter_name)
        keys = load_keys(keys_file).for_meter(profile.name)
        if profile.security is not None and keys is None:
            raise KeysError(
                f"{profile.name} encrypts its lists: give its keys in a keys file ([{profile.name}] or "
                f"[default] table) with --keys-file or {KEYS_FILE_ENV}"
            )
        plans = load_plans(fault_option)
        loaded = load_scenario(scenario)
        warp_factor = parse_warp(warp)
        seconds = parse_duration(duration)
        start_utc = parse_start(start, profile.clock)
        settings = line_settings(profile.serial, baud, inverted)
        line = open_line(port, settings, pty=pty, kind=line_kind, drop_when_full=warp_factor is not None)
        with line, SentLog(sent_log) as log:
            click.echo(f"{profile.name} on {line.reader_path} ({_serial_text(settings)})", err=True)
            if warp_factor is None and pty:
                click.echo(f"--warp max goes as fast as the reader reads: start it on {line.reader_path}", err=True)
            stats = _run_until_interrupt(
                lambda stop: run_meter(
                    profile,
                    line,
                    scenario=loaded,
                    start=start_utc,
                    duration_s=seconds,
                    warp=warp_factor,
                    faults=plans,
                    sent_log=log,
                    seed=seed,
                    byte_pacing=not no_byte_pacing,
                    stop=stop,
                    on_entry=_Status(),
                    keys=keys,
                )
            )
        click.echo(f"\n{_summary(stats)}", err=True)


def _tried_settings(serial_name: str, baud: str) -> tuple:
    """The settings capture tries, in order: the parities asked for at the bauds asked for."""
    bauds = BAUDS if baud == "auto" else (int(baud),)
    return candidates(bauds, ("E", "N") if serial_name == "auto" else (serial_name[1],))


@click.command()
@click.option("--port", required=True, help="Serial device or pyserial URL the meter is on.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default="capture.log", show_default=True)
@click.option("--duration", help="How long to record: 90s, 10m, 2h (default: until Ctrl-C).")
@click.option("--frames", "max_frames", type=int, help="Stop after this many frames.")
@click.option(
    "--serial",
    "serial_name",
    type=click.Choice(["auto", "8E1", "8N1"]),
    default="auto",
    show_default=True,
    help="auto: 8E1 then 8N1, the first whose frames pass their checksums.",
)
@click.option(
    "--baud",
    type=click.Choice(["auto", "2400", "9600", "115200"]),
    default="2400",
    show_default=True,
    help="auto: 2400, 9600 then 115200.",
)
@_keys_file_option
def capture(port, out, duration, max_frames, serial_name, baud, keys_file) -> None:
    """Record any meter's frames with host receive times, detecting its serial settings by their checksums.

    Then `hanbench profiles learn CAPTURE` gives its profile. An encrypted meter is named with its keys.
    """
    with _one_line_errors():
        try:
            count = record(
                port,
                out,
                duration_s=parse_duration(duration),
                max_frames=max_frames,
                tried=_tried_settings(serial_name, baud),
                keys=load_keys(keys_file),
                on_frame=lambda n, what: click.echo(f"\r{n} frames, last: {what}\033[K", nl=False, err=True),
            )
        except KeyboardInterrupt:
            count = None
    click.echo(f"\nrecorded {'frames' if count is None else count} to {out}", err=True)
    header = out.read_text(encoding="utf-8").splitlines()[:2] if out.exists() else []
    for line in header:
        click.echo(line.lstrip("# "), err=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--port", help="Serial device or pyserial URL.")
@click.option("--pty", is_flag=True, help="Make a virtual serial pair and print the reader's side.")
@click.option(
    "--warp", default="1", show_default=True, help="1 keeps the recorded gaps, N is N times faster, max back to back."
)
@click.option(
    "--sent-log", type=click.Path(dir_okay=False, path_type=Path), help="Write the sent log (JSON Lines) here."
)
@click.option("--meter", "meter_name", help="The meter's profile, when its frames do not name it (encrypted, no keys).")
@_keys_file_option
def replay(file, port, pty, warp, sent_log, meter_name, keys_file) -> None:
    """Play a capture back onto a line with its original gaps, or warped."""
    with _one_line_errors():
        recorded = read_capture(file)
        keys = load_keys(keys_file)
        meter, settings = _capture_meter(recorded, keys, meter_name)
        warp_factor = parse_warp(warp)
        line = open_line(port, settings, pty=pty, drop_when_full=warp_factor is not None)
        with line, SentLog(sent_log) as log:
            click.echo(f"replaying {file} ({meter}) on {line.reader_path}", err=True)
            stats = _run_until_interrupt(
                lambda stop: replay_capture(recorded, line, warp=warp_factor, sent_log=log, stop=stop, keys=keys)
            )
        click.echo(_summary(stats), err=True)


COMMANDS = (sim, capture, replay)
