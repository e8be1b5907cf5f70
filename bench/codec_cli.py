"""`hanbench profiles`, `decode` and `encode`: the codec and the profiles at the command line.

Bad input never stops a run: each bad frame or line gets one error line that
names its line number and what is wrong, the rest goes on, and the exit code
is non-zero if anything failed.
"""

import json
import sys
from collections.abc import Iterator
from typing import TextIO

import click
import orjson

from meter_profiles import FIELDS, ProfileError, bundled_profiles, get_profile
from simulator.codec import FrameDecoder, FrameError, encode_frame, frames_in

__all__ = ["profiles", "decode", "encode"]

# Short labels for the readable decode table, in the canonical order.
_LABELS = {
    "active_power_import": "P+",
    "active_power_export": "P-",
    "reactive_power_import": "Q+",
    "reactive_power_export": "Q-",
    "current_l1": "I1",
    "current_l2": "I2",
    "current_l3": "I3",
    "voltage_l1": "U1",
    "voltage_l2": "U2",
    "voltage_l3": "U3",
    "active_energy_import": "A+",
    "active_energy_export": "A-",
    "reactive_energy_import": "R+",
    "reactive_energy_export": "R-",
}


def _profile_summary(profile) -> dict:
    return {
        "name": profile.name,
        "make": profile.make,
        "model": profile.model,
        "description": profile.description,
        "phases": profile.phases,
        "grid": profile.grid,
        "serial": f"{profile.serial.baud} {profile.serial.name}",
        "lists": {str(n): len(layout.items) for n, layout in sorted(profile.lists.items())},
        "schedule": [slot.model_dump() for slot in profile.schedule],
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for machines.")
def profiles(as_json: bool) -> None:
    """List the meter models hanbench can be."""
    summaries = [_profile_summary(p) for p in bundled_profiles().values()]
    if as_json:
        click.echo(json.dumps(summaries, indent=2))
        return
    from rich.console import Console  # the table only: decode and encode start without rich
    from rich.table import Table

    table = Table("name", "phases", "grid", "serial", "lists (items)", "description")
    for s in summaries:
        lists = " ".join(f"{n}:{count}" for n, count in s["lists"].items())
        table.add_row(s["name"], str(s["phases"]), s["grid"], s["serial"], lists, s["description"])
    Console().print(table)


def _numbered_lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    """(line number, text) for every line that is not blank or a # comment."""
    for number, line in enumerate(stream, start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            yield number, text


def _frame_bytes(text: str) -> bytes:
    """The frame on a capture line ('time<TAB>hex') or a plain hex line."""
    hex_text = text.split("\t")[-1].replace(" ", "")
    try:
        return bytes.fromhex(hex_text)
    except ValueError:
        problem = "an odd number of hex digits" if len(hex_text) % 2 else "characters that are not hex"
        raise FrameError(f"not a frame in hex: the line has {problem}") from None


def _value_text(name: str, value) -> str:
    unit = FIELDS[name].unit
    return f"{_LABELS[name]} {value:g} {unit}"


def _table_row(number: int, reading: dict) -> str:
    values = ", ".join(_value_text(k, v) for k, v in reading.items() if k in _LABELS)
    ident = reading.get("meter_id", "")
    return f"{number:>6}  {reading['meter']:<20} {reading['list']:>4}  {reading.get('meter_time', '-'):<19}  {ident} {values}"


class _DecodeOutput:
    """Where decode's results go: JSON lines or the readable table on stdout, in one buffered stream."""

    def __init__(self, as_json: bool) -> None:
        self.as_json, self.good, self.bad = as_json, 0, 0
        self._out = sys.stdout.buffer
        if not as_json:
            self._text(f"{'line':>6}  {'meter':<20} {'list':>4}  {'meter time':<19}  values")

    def _text(self, line: str) -> None:
        self._out.write(line.encode() + b"\n")

    def reading(self, number: int, reading: dict, warning: str | None) -> None:
        """One decoded frame; a warning (stray bytes on its line) rides with it."""
        self.good += 1
        if self.as_json:
            self._out.write(orjson.dumps({**reading, "warning": f"line {number}: {warning}"} if warning else reading,
                                         option=orjson.OPT_APPEND_NEWLINE))
            return
        self._text(_table_row(number, reading))
        if warning:
            self._text(f"{number:>6}  warning: {warning}")

    def error(self, number: int, error: Exception) -> None:
        """One line that could not be decoded, and why."""
        self.bad += 1
        if self.as_json:
            self._out.write(orjson.dumps({"error": f"line {number}: {error}"}, option=orjson.OPT_APPEND_NEWLINE))
        else:
            self._text(f"{number:>6}  error: {error}")

    def close(self) -> None:
        """Flush the results, then the count on stderr."""
        self._out.flush()
        click.echo(f"decoded {self.good} frames, {self.bad} failed", err=True)


def _decoder_for(meters: tuple[str, ...]) -> FrameDecoder:
    """A decoder over the named profiles (names or files), or over the bundled ones if none is named."""
    if not meters:
        return FrameDecoder()
    try:
        chosen = [get_profile(meter) for meter in meters]
    except ProfileError as error:
        raise click.ClickException(str(error)) from None
    return FrameDecoder({profile.name: profile for profile in chosen})


@click.command()
@click.argument("source", type=click.File("r", encoding="ascii", errors="replace"), default="-")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a frame: the canonical fields, or {\"error\": ...}.")
@click.option("--meter", "meters", multiple=True,
              help="Match only this profile, a name or a .toml file (repeatable); others decode as <make>-unknown.")
def decode(source: TextIO, as_json: bool, meters: tuple[str, ...]) -> None:
    """Decode frames from a capture file or plain hex, read line by line as a stream (SOURCE '-' is stdin).

    Stray bytes around a good frame are a warning; a line with two frames gives two results.
    """
    decoder = _decoder_for(meters)
    output = _DecodeOutput(as_json)
    for number, text in _numbered_lines(source):
        try:
            found = frames_in(_frame_bytes(text))
        except FrameError as error:
            output.error(number, error)
            continue
        warning = found.warning()
        for frame in found.frames:
            try:
                output.reading(number, decoder.decode_hdlc(frame), warning)
            except FrameError as error:
                output.error(number, error)
            warning = None
    output.close()
    if output.bad:
        sys.exit(1)


def _reading_from_json(text: str) -> dict:
    try:
        reading = json.loads(text)
    except json.JSONDecodeError as error:
        raise FrameError(f"not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(reading, dict):
        raise FrameError("must be a JSON object with the canonical fields")
    if "error" in reading:
        raise FrameError(f"holds a decode error, not a reading: {reading['error']}")
    missing = [key for key in ("meter", "list") if key not in reading]
    if missing:
        raise FrameError(f"needs {' and '.join(missing)} to know which frame to build")
    return reading


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--json", "as_json", is_flag=True, help="Read JSON lines as `decode --json` writes them (the input format)."
)
def encode(source: TextIO, as_json: bool) -> None:
    """Build frames from readings, one JSON object a line; write one frame a line in hex."""
    del as_json  # JSON lines are the one input format; the flag says so on the command line.
    good = bad = 0
    for number, text in _numbered_lines(source):
        try:
            reading = _reading_from_json(text)
            frame = encode_frame(get_profile(str(reading["meter"])), int(reading["list"]), reading)
        except (FrameError, ProfileError, ValueError, TypeError) as error:
            bad += 1
            click.echo(f"line {number}: {error}", err=True)
            continue
        good += 1
        click.echo(frame.hex().upper())
    click.echo(f"encoded {good} frames, {bad} failed", err=True)
    if bad:
        sys.exit(1)
