"""Learning a meter profile from a capture of a real meter.

Everything a profile says is read off the frames: HDLC addresses and control,
invoke id and date-time form, the bytes a meter writes into a COSEM date-time,
identity strings, and each list's layout from the generic decoder. The push
schedule comes from the capture's timestamps (the meter clock in the header,
else the host receive times). What frames cannot show (the serial settings
when the capture's header does not name them, a clock's zone or UTC offset)
is the make's documented habit, and the TOML says so in a comment.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import tomli_w

from meter_profiles import FIELDS, Profile, SerialSettings

from ..codec import FrameError, parse_frame
from ..codec.apdu import Notification, read_notification
from ..codec.axdr import NULL, OCTET_STRING, TAGS, parse_value, tag_name
from ..codec.cosem import UNIT_CODES
from ..codec.generic import MAKES, GenericItem, GenericList, read_list
from ..codec.lists import extra_text, scale
from ..errors import SimulatorError
from .logfile import Capture

__all__ = ["LearnError", "Learned", "learn_profile"]

_TYPE_NAMES = {tag: name for name, tag in TAGS.items() if name != "date-time"}
_UNIT_NAMES = {code: unit for unit, code in UNIT_CODES.items()}
_EPOCH = datetime(1970, 1, 1)
_HOURLY_S = 3600


class LearnError(SimulatorError, ValueError):
    """A capture a profile cannot be learned from; the message says what in it stands in the way."""


@dataclass(frozen=True)
class _Frame:
    """One captured frame, read down to its list."""

    line: int
    size: int
    received: datetime | None
    header: tuple
    notification: Notification
    stamp: bytes | None  # the header's 12 date-time bytes, if it has them
    body: GenericList


@dataclass(frozen=True)
class Learned:
    """A learned profile as data (it validates as a Profile) and the notes on what the capture could not show."""

    data: dict
    notes: list[str]

    def toml(self) -> str:
        """The profile as a TOML file, the notes as comments above it."""
        return "".join(f"# {note}\n" for note in self.notes) + tomli_w.dumps(self.data)


def _read(capture: Capture) -> list[_Frame]:
    frames = []
    for line, captured in enumerate(capture.frames, start=1):
        try:
            hdlc = parse_frame(captured.frame)
            notification = read_notification(hdlc.info)
            body, _ = parse_value(hdlc.info, notification.body_start)
            generic = read_list(body)
        except FrameError:
            continue  # a damaged frame teaches nothing; the good ones around it do
        stamp = hdlc.info[notification.body_start - 12 : notification.body_start] if notification.header_time else None
        header = (hdlc.dst, hdlc.src, hdlc.control, notification.invoke_id, notification.datetime_form)
        frames.append(_Frame(line, len(captured.frame), captured.received, header, notification, stamp, generic))
    if not frames:
        raise LearnError(f"{capture.path}: no frame in it decodes, so there is nothing to learn from")
    return frames


def _one_header(frames: list[_Frame]) -> tuple:
    first = frames[0].header
    for frame in frames:
        if frame.header != first:
            raise LearnError(
                f"frame {frame.line} has another HDLC address, control, invoke id or date-time form than "
                f"frame {frames[0].line}: a capture of one meter is needed"
            )
    return first


def _item(item: GenericItem, layout: str, make: str) -> dict:
    if item.placeholder:
        return {"type": "null", "placeholder": True}
    if item.field is None:
        return _extra_item(item)
    entry: dict = {"field": item.field, "type": "date-time" if item.field == "meter_time" else _TYPE_NAMES[item.tag]}
    if layout != "positional" and item.obis:
        entry["obis"] = item.obis
    scaler = item.scaler if item.scaler is not None else MAKES[make]["scalers"].get(item.field, 0)
    if scaler:
        entry["scaler"] = scaler
    if layout == "obis-structs":
        unit = _UNIT_NAMES.get(item.unit_code) if item.unit_code is not None else None
    else:
        unit = FIELDS[item.field].unit
    if unit and (layout != "obis-structs" or item.unit_code is not None):
        entry["unit"] = unit
    return entry


def _extra_item(item: GenericItem) -> dict:
    """An OBIS code no canonical field has: its type, scaling and the value first seen, which the profile sends."""
    if item.obis is None:
        raise LearnError("a positional list of a shape no Kaifa list has: its values cannot be named")
    if item.tag == NULL or (item.tag == OCTET_STRING and extra_text(item.tag, item.raw) != item.raw.decode("latin-1")):
        raise LearnError(
            f"OBIS {item.obis} holds {tag_name(item.tag)} that is not a number or text, which a profile cannot send"
        )
    entry: dict = {"type": _TYPE_NAMES[item.tag], "obis": item.obis}
    if item.scaler:
        entry["scaler"] = item.scaler
    if item.unit_code is not None:
        unit = _UNIT_NAMES.get(item.unit_code)
        entry.update({"unit": unit} if unit else {"unit_code": item.unit_code})
    entry["value"] = scale(item.raw, item.scaler or 0) if isinstance(item.raw, int) else item.raw.decode("latin-1")
    return entry


def _without_values(layout: dict) -> list:
    return [{k: v for k, v in item.items() if k != "value"} for item in layout["items"]]


def _layouts(frames: list[_Frame], make: str) -> dict[str, dict]:
    layouts: dict[str, dict] = {}
    for frame in frames:
        layout = {"layout": frame.body.layout, "items": [_item(i, frame.body.layout, make) for i in frame.body.items]}
        known = layouts.setdefault(str(frame.body.list_no), layout)
        if _without_values(known) != _without_values(layout):
            raise LearnError(f"frame {frame.line}: list {frame.body.list_no} changes its layout within the capture")
    return layouts


def _identity(frames: list[_Frame]) -> dict:
    identity = {}
    for key in ("list_version", "meter_id", "meter_type"):
        identity[key] = next((f.body.reading[key] for f in frames if key in f.body.reading), "")
    return identity


def _clock(frames: list[_Frame], make: str) -> dict:
    """The date-time bytes as the meter fills them; kind, zone or offset as the make's meters keep them."""
    stamp = next((f.stamp for f in frames if f.stamp), None)
    if stamp is None:
        stamp = next((i.raw for f in frames for i in f.body.items if i.field == "meter_time"), None)
    clock = dict(MAKES[make]["clock"])
    if stamp is not None:
        clock.update(
            deviation=stamp[9] << 8 | stamp[10],
            status=stamp[11],
            hundredths=stamp[8],
            weekday="zero" if stamp[4] == 0 else "iso",
        )
    return clock


def _sent_at(frame: _Frame, byte_time: float) -> float | None:
    """Seconds (meter wall clock, else host clock) at which the frame's first byte went out."""
    if frame.notification.header_time is not None:
        return (datetime.fromisoformat(frame.notification.header_time) - _EPOCH).total_seconds()
    if frame.received is not None:
        return (frame.received.replace(tzinfo=None) - _EPOCH).total_seconds() - frame.size * byte_time
    return None


def _mode(values: list[float]) -> float:
    return Counter(values).most_common(1)[0][0]


def _half(seconds: float) -> float:
    """To the half second: host receive times jitter by tens of milliseconds, periods are 2, 2.5, 10 s..."""
    rounded = round(seconds * 2) / 2
    return int(rounded) if rounded == int(rounded) else rounded


def _slot(list_no: int, times: list[float], carries_clock: bool) -> dict:
    gaps = [_half(b - a) for a, b in pairwise(times) if b > a]
    if gaps:
        period = _mode(gaps)
    elif carries_clock:
        period = _HOURLY_S  # one hourly list in the capture: the makes' documents say hourly
    else:
        raise LearnError(f"list {list_no} appears once, so its period cannot be learned: capture for longer")
    offset = _mode([_half(t % period) % period for t in times])
    slot = {"list": list_no, "period_s": period, "offset_s": offset}
    if carries_clock and offset:
        slot["lag_s"] = offset  # values taken on the period boundary, sent offset_s later (the makes' documents)
    return slot


def _schedule(frames: list[_Frame], layouts: dict[str, dict], byte_time: float) -> list[dict]:
    times: dict[int, list[float]] = {}
    for frame in frames:
        at = _sent_at(frame, byte_time)
        if at is None:
            raise LearnError(
                f"frame {frame.line} has neither a receive time nor a meter time: no schedule can be learned"
            )
        times.setdefault(frame.body.list_no, []).append(at)
    slots = [
        _slot(n, sorted(t), any(i.get("field") == "meter_time" for i in layouts[str(n)]["items"]))
        for n, t in sorted(times.items())
    ]
    # A list with a longer period wins a shared slot: Kaifa's list 2 takes every fifth list 1 slot.
    for rank, slot in enumerate(sorted(slots, key=lambda s: s["period_s"]), start=1):
        slot["priority"] = rank
    return slots


def _serial(capture: Capture, make: str) -> tuple[dict, str]:
    named = capture.serial()
    if named is not None:
        return named.model_dump(), "as the capture names it"
    return dict(MAKES[make]["serial"]), f"the capture names none: {make} meters' usual setting"


def _grid_and_quirks(frames: list[_Frame]) -> tuple[str, list[str]]:
    readings = [f.body.reading for f in frames]
    u2 = [r["voltage_l2"] for r in readings if "voltage_l2" in r]
    no_i2 = any("current_l3" in r and "current_l2" not in r for r in readings)
    quirks = ["it-grid-u2-zero"] if u2 and not any(u2) else []
    hourly = [r.get("active_energy_import") for r in readings if "active_energy_import" in r]
    if any(a == b for a, b in pairwise(hourly)):
        quirks.append("hourly-energy-repeat")
    return ("IT" if quirks[:1] == ["it-grid-u2-zero"] or no_i2 else "TN"), quirks


def _name(make: str, model: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "learned"
    return f"{make}-{slug}"


def learn_profile(capture: Capture, name: str | None = None) -> Learned:
    """The profile of the meter in `capture` (named `name`, else make-model), validated."""
    frames = _read(capture)
    dst, src, control, invoke_id, form = _one_header(frames)
    make = Counter(f.body.make for f in frames).most_common(1)[0][0]
    identity = _identity(frames)
    model = identity["meter_type"] or "unknown"
    serial, serial_note = _serial(capture, make)
    layouts = _layouts(frames, make)
    fields = {i.get("field") for layout in layouts.values() for i in layout["items"]}
    grid, quirks = _grid_and_quirks(frames)
    byte_time = SerialSettings(**serial).byte_time
    data = {
        "name": name or _name(make, model),
        "make": make,
        "model": model,
        "description": f"{make.capitalize()} {model}, learned from {capture.path.name} ({len(frames)} frames)",
        "phases": 3 if fields & {"current_l2", "current_l3", "voltage_l2", "voltage_l3"} else 1,
        "grid": grid,
        "quirks": quirks,
        "serial": serial,
        "hdlc": {"dst": dst.hex(" ").upper(), "src": src.hex(" ").upper(), "control": f"{control:02X}"},
        "apdu": {"invoke_id": invoke_id.hex(" ").upper(), "datetime": form},
        "clock": _clock(frames, make),
        "identity": identity,
        "schedule": _schedule(frames, layouts, byte_time),
        "lists": layouts,
    }
    try:
        Profile.model_validate(data)
    except ValueError as error:
        raise LearnError(f"the profile learned from {capture.path} does not validate: {error}") from None
    notes = [
        f"Learned by hanbench from {capture.path.name}: {len(frames)} of {len(capture.frames)} frames decoded.",
        f"serial: {serial_note}.",
        f"clock.kind and its zone or offset: frames cannot show them; {make} meters' documented habit.",
        "schedule: from the meter clock in the frames where they carry one, else the host receive times.",
    ]
    return Learned(data, notes)
