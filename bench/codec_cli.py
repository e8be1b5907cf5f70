"""`hanbench decode` and `encode`: the codec at the command line.

Bad input never stops a run: each bad frame or line gets one error line that
names its line number and what is wrong, the rest goes on, and the exit code
is non-zero if anything failed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

import click
import orjson

from meter_profiles import FIELDS, ProfileError, get_profile
from simulator.codec import FrameError, frames_in
from simulator.codec.link import LinkDecoder, LinkEncoder
from simulator.codec.mbus import START as MBUS_START
from simulator.codec.security import KeyRing
from simulator.codec.segments import split_frames
from simulator.keys import KEYS_FILE_ENV, KeysError, load_keys, parse_keys

from .observer.payload import PayloadError, parse_document

if TYPE_CHECKING:
    from meter_profiles import Profile

__all__ = ["decode", "encode"]

_MBUS_START = bytes((MBUS_START,))

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


def _numbered_lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    """(line number, text) for every line that is not blank or a # comment."""
    for number, line in enumerate(stream, start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            yield number, text


def _frame_bytes(text: str) -> bytes:
    """The frame on a capture line ('time<TAB>hex') or a plain hex line."""
    hex_text = text.rpartition("\t")[2]
    try:
        return bytes.fromhex(hex_text)  # spaces between bytes are allowed
    except ValueError:
        problem = "an odd number of hex digits" if len(hex_text.replace(" ", "")) % 2 else "characters that are not hex"
        raise FrameError(f"not a frame in hex: the line has {problem}") from None


def _value_text(name: str, value) -> str:
    unit = FIELDS[name].unit
    return f"{_LABELS[name]} {value:g} {unit}"


def _table_row(number: int, reading: dict) -> str:
    values = ", ".join(_value_text(k, v) for k, v in reading.items() if k in _LABELS)
    if "extra" in reading:  # codes no canonical field has: shown, so a new meter's whole list can be seen
        values += "".join(f", {code} {value}" for code, value in reading["extra"].items())
    ident = reading.get("meter_type", "") if reading["meter"].endswith("-unknown") else reading.get("meter_id", "")
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
            self._out.write(
                orjson.dumps(
                    {**reading, "warning": f"line {number}: {warning}"} if warning else reading,
                    option=orjson.OPT_APPEND_NEWLINE,
                )
            )
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


def _named_profiles(meters: tuple[str, ...]) -> dict[str, Profile]:
    """The profiles --meter names (bundled names or files), by name; one clear line if one cannot be had."""
    try:
        chosen = [get_profile(meter) for meter in meters]
    except ProfileError as error:
        raise click.ClickException(str(error)) from None
    return {profile.name: profile for profile in chosen}


_METER_HELP = "Use this profile, a name or a .toml file (repeatable)"


def _key_ring(key_file, key: str | None, auth_key: str | None) -> KeyRing:
    """The keys to decipher with: a keys file's tables, and --key/--auth-key (or their variables) as the default."""
    ring = load_keys(key_file)
    if key:
        ring.default = parse_keys(key, auth_key, "--key/--auth-key")
    elif auth_key:
        raise KeysError("--auth-key (HANBENCH_AUTH_KEY) needs --key (HANBENCH_KEY) too")
    return ring


def _keys_from(key_file, key: str | None, auth_key: str | None) -> KeyRing:
    """As _key_ring, a bad key or file one clear line."""
    try:
        return _key_ring(key_file, key, auth_key)
    except KeysError as error:
        raise click.ClickException(str(error)) from None


def _key_options(command):
    """--key-file, --key and --auth-key, as decode and encode both take them."""
    options = [
        click.option(
            "--key-file",
            type=click.Path(dir_okay=False),
            envvar=KEYS_FILE_ENV,
            help=f"TOML keys file ([meter] or [default] tables; or set {KEYS_FILE_ENV}). Better than --key: "
            "a key in argv shows in ps and the shell's history.",
        ),
        click.option(
            "--key", envvar="HANBENCH_KEY", help="Encryption key, 32 hex digits (better: HANBENCH_KEY or --key-file)."
        ),
        click.option(
            "--auth-key",
            envvar="HANBENCH_AUTH_KEY",
            help="Authentication key, 32 hex digits (better: HANBENCH_AUTH_KEY).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _frames_on_line(data: bytes) -> tuple[Callable, list, str | None]:
    """The decoder method that takes this line's frames, the frames, and a warning about stray bytes.

    HDLC lines are read as a stream (stray bytes are a warning); M-Bus long frames by their length fields.
    """
    if data[:1] == _MBUS_START:
        return LinkDecoder.feed, split_frames(data), None
    found = frames_in(data)
    return LinkDecoder.feed_hdlc, found.frames, found.warning()


@click.command()
@click.argument("source", type=click.File("r", encoding="ascii", errors="replace"), default="-")
@click.option(
    "--json", "as_json", is_flag=True, help='One JSON object a frame: the canonical fields, or {"error": ...}.'
)
@click.option("--meter", "meters", multiple=True, help=f"{_METER_HELP}: match only these; others are <make>-unknown.")
@_key_options
def decode(source: TextIO, as_json: bool, meters: tuple[str, ...], key_file, key, auth_key) -> None:
    """Decode frames from a capture file or plain hex, read line by line as a stream (SOURCE '-' is stdin).

    Stray bytes around a good frame are a warning; a line with two frames gives two results. Encrypted
    frames (security suite 0) need the meter's keys; segmented lists and M-Bus long frames are joined,
    whether their pieces come a line each or all on one line.
    """
    decoder = LinkDecoder(_named_profiles(meters) if meters else None, _keys_from(key_file, key, auth_key))
    output = _DecodeOutput(as_json)
    for number, text in _numbered_lines(source):
        try:
            feed, frames, warning = _frames_on_line(_frame_bytes(text))
        except FrameError as error:
            output.error(number, error)
            continue
        for frame in frames:
            try:
                reading = feed(decoder, frame)
            except FrameError as error:
                output.error(number, error)
                continue
            if reading is not None:  # None: a piece of a list still open
                output.reading(number, reading, warning)
                warning = None
    output.close()
    if output.bad:
        sys.exit(1)


class _Links:
    """One link encoder per meter, so frame counters run on from list to list as a meter's do."""

    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys
        self._encoders: dict[str, LinkEncoder] = {}

    def encode(self, profile: Profile, list_no: int, reading: dict) -> bytes:
        """The line bytes of one list, ciphered at the counter the reading names (or the next one)."""
        if profile.name not in self._encoders:
            self._encoders[profile.name] = LinkEncoder(profile, self._keys.for_meter(profile.name))
        encoder = self._encoders[profile.name]
        counter = (reading.get("security") or {}).get("frame_counter")
        if counter is not None:
            encoder.counter = int(counter)
        return encoder.encode(list_no, reading).data


def _reading_from_json(text: str) -> dict:
    try:
        reading = parse_document(text)  # bounded: no NaN, no infinity, no nesting past a sane depth
    except PayloadError as error:
        raise FrameError(str(error)) from None
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
@click.option("--meter", "meters", multiple=True, help=f"{_METER_HELP}: a reading's `meter` is looked up here first.")
@_key_options
def encode(source: TextIO, as_json: bool, meters: tuple[str, ...], key_file, key, auth_key) -> None:
    """Build frames from readings, one JSON object a line; write one frame a line in hex.

    A meter that encrypts or splits its lists gets its whole list on one line (every frame of it),
    ciphered with its keys at the frame counter the reading's `security` names (as decode writes it).
    """
    del as_json  # JSON lines are the one input format; the flag says so on the command line.
    named, links = _named_profiles(meters), _Links(_keys_from(key_file, key, auth_key))
    good = bad = 0
    for number, text in _numbered_lines(source):
        try:
            reading = _reading_from_json(text)
            meter = str(reading["meter"])
            frame = links.encode(named.get(meter) or get_profile(meter), int(reading["list"]), reading)
        except (FrameError, ProfileError, ValueError, TypeError) as error:
            bad += 1
            click.echo(f"line {number}: {error}", err=True)
            continue
        good += 1
        click.echo(frame.hex().upper())
    click.echo(f"encoded {good} frames, {bad} failed", err=True)
    if bad:
        sys.exit(1)
