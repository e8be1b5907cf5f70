"""`hanbench profiles`: the meter models hanbench can be, and `profiles learn`, a new one from a capture."""

import json
import re
import sys
from pathlib import Path

import click

from meter_profiles import bundled_profiles
from simulator.capture import CaptureError, LearnError, learn_profile, read_capture

__all__ = ["profiles"]

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def _link_summary(profile) -> str:
    """How lists reach the line, in a few words: framing, pieces, ciphering."""
    transport = profile.transport
    words = ["M-Bus long frames" if transport.kind == "mbus" else "HDLC"]
    if transport.kind == "hdlc" and transport.max_info:
        words.append(f"in segments of {transport.max_info}")
    if profile.security:
        words.append(f"encrypted (suite 0, {profile.security.mode})")
    return " ".join(words)


def _profile_summary(profile) -> dict:
    return {
        "name": profile.name,
        "make": profile.make,
        "model": profile.model,
        "description": profile.description,
        "phases": profile.phases,
        "grid": profile.grid,
        "serial": f"{profile.serial.baud} {profile.serial.name}" + (" inverted" if profile.serial.inverted else ""),
        "link": _link_summary(profile),
        "lists": {str(n): len(layout.items) for n, layout in sorted(profile.lists.items())},
        "schedule": [slot.model_dump() for slot in profile.schedule],
    }


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for machines.")
@click.pass_context
def profiles(ctx: click.Context, as_json: bool) -> None:
    """List the meter models hanbench can be (or learn one: `profiles learn CAPTURE`)."""
    if ctx.invoked_subcommand is not None:
        return
    summaries = [_profile_summary(p) for p in bundled_profiles().values()]
    if as_json:
        click.echo(json.dumps(summaries, indent=2))
        return
    from rich.console import Console  # the table only: the other commands start without rich
    from rich.table import Table

    table = Table("name", "phases", "grid", "serial", "link", "lists (items)", "description")
    for s in summaries:
        lists = " ".join(f"{n}:{count}" for n, count in s["lists"].items())
        table.add_row(s["name"], str(s["phases"]), s["grid"], s["serial"], s["link"], lists, s["description"])
    Console().print(table)


def _name_for(out: Path | None, name: str | None) -> str | None:
    """The profile's name: --name, else the output file's stem (a profile file is named after its profile)."""
    chosen = name or (out.stem if out else None)
    if chosen is not None and not _NAME.match(chosen):
        source = "--name" if name or out is None else f"the file name {out.name}"
        raise click.ClickException(
            f"{source} must be lower-case words joined by '-', such as kamstrup-6841131, "
            f"not {chosen!r}: a profile is named after its file"
        )
    return chosen


@profiles.command()
@click.argument("capture", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the profile here instead of stdout."
)
@click.option("--name", help="The profile's name (default: the --out file's name, else make-model).")
def learn(capture: Path, out: Path | None, name: str | None) -> None:
    """Learn a meter's profile from a capture of it (`hanbench capture`): TOML on stdout or in --out.

    Use it without installing it: every --meter takes the file's path.
    """
    try:
        learned = learn_profile(read_capture(capture), _name_for(out, name))
    except (CaptureError, LearnError) as error:
        raise click.ClickException(str(error)) from None
    if out is None:
        sys.stdout.write(learned.toml())
        return
    try:
        out.write_text(learned.toml(), encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    click.echo(f"wrote {learned.data['name']} to {out}; use it as --meter {out}", err=True)
