"""How a reader writes a decoded list in the other readers' formats, right or with one thing wrong on purpose.

Shared by the stand-in reader process (format_reader.py) and the message-level tests,
so both judge the same bytes. Each writer takes a decoded reading (with "meter" and
"list") and gives (topic, payload) pairs. MODE: good; scale (I1 ten times too large);
missing (U3 never published; for raw, every tenth frame). kaifa_frames and messages_of
make a sent log of real frames and a reader's messages for it, for tests without a loop.
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from meter_profiles import get_profile
from simulator.codec import FrameDecoder, encode_frame
from simulator.run.sentlog import SentEntry
from tests.bench.benchlogs import METER, TOPIC, list2, sent
from tests.bench.fake_reader import KEYS, LATE_S

# The field's reader names its JSON keys as the classic document does, but for the meter's id.
AMSREADER_KEYS = {**KEYS, "meter_id": "meterId"}
RAW_TOPICS = {
    "active_power_import": "meter/import/active",
    "active_power_export": "meter/export/active",
    "reactive_power_import": "meter/import/reactive",
    "reactive_power_export": "meter/export/reactive",
    "current_l1": "meter/l1/current",
    "current_l2": "meter/l2/current",
    "current_l3": "meter/l3/current",
    "voltage_l1": "meter/l1/voltage",
    "voltage_l2": "meter/l2/voltage",
    "voltage_l3": "meter/l3/voltage",
    "active_energy_import": "meter/import/active/accumulated",
    "active_energy_export": "meter/export/active/accumulated",
    "reactive_energy_import": "meter/import/reactive/accumulated",
    "reactive_energy_export": "meter/export/reactive/accumulated",
    "list_version": "meter/dlms/version",
    "meter_id": "meter/id",
    "meter_type": "meter/type",
    "meter_time": "meter/clock",
}
TEXT = ("list_version", "meter_id", "meter_type")


def epoch(meter: str, wall: str) -> int:
    """The meter's wall clock as epoch seconds, through its profile's zone or fixed offset."""
    clock = get_profile(meter).clock
    naive = datetime.fromisoformat(wall)
    if clock.kind == "fixed":
        offset = timedelta(minutes=clock.utc_offset_minutes or 0)  # the schema requires it for "fixed"
        return round((naive - offset).replace(tzinfo=UTC).timestamp())
    return round(naive.replace(tzinfo=ZoneInfo(clock.zone or "")).timestamp())  # the schema requires it for "local"


def written(reading: dict, mode: str) -> dict:
    """The values as the reader writes them: two decimals, energies in kWh, powers whole, the clock in epoch."""
    values = {}
    for name, value in reading.items():
        if name not in AMSREADER_KEYS or (mode == "missing" and name == "voltage_l3"):
            continue
        if name == "meter_time":
            value = epoch(reading["meter"], value)
        elif name in TEXT:
            pass
        elif "power" in name:
            value = round(value)
        else:
            value = round(value / 1000 if "energy" in name else value, 2)
        values[name] = value * 10 if mode == "scale" and name == "current_l1" else value
    return values


def amsreader_json(reading: dict, frame: bytes, mode: str, topic: str) -> list[tuple[str, str]]:
    """The amsreader JSON document of one list, on a sub-topic per list."""
    data = {AMSREADER_KEYS[name]: value for name, value in written(reading, mode).items()}
    document = {"id": "a4cf12000000", "name": "ams-stand-in", "up": 1, "t": 0, "vcc": 3.3, "data": data}
    return [(f"{topic}/list{reading['list']}", json.dumps(document))]


class OnChange:
    """amsreader's raw values, each published only when it changed since the reader last published it."""

    def __init__(self):
        self.last: dict = {}

    def __call__(self, reading: dict, frame: bytes, mode: str, topic: str) -> list[tuple[str, str]]:
        """The value messages of one list: those whose text differs from the last sent."""
        out = []
        for name, value in written(reading, mode).items():
            if name == "meter_time" and reading["list"] != 3:
                continue  # the clock goes with the hourly list, as amsreader sends it
            text = f"{value:.2f}" if isinstance(value, float) else str(value)
            if self.last.get(name) != text:
                self.last[name] = text
                out.append((f"{topic}/{RAW_TOPICS[name]}", text))
        return out


class RawHex:
    """The frame as read, in upper-case hex; scaled: built again with I1 ten times too large; missing: every tenth left out."""

    def __init__(self):
        self.count = 0

    def __call__(self, reading: dict, frame: bytes, mode: str, topic: str) -> list[tuple[str, str]]:
        """The one message of a frame, or none."""
        self.count += 1
        if mode == "missing" and self.count % 10 == 0:
            return []
        if mode == "scale" and "current_l1" in reading:
            values = {k: v for k, v in reading.items() if k not in ("meter", "list")}
            values["current_l1"] *= 10
            frame = encode_frame(get_profile(reading["meter"]), reading["list"], values)
        return [(topic, frame.hex().upper())]


WRITERS = {"amsreader": lambda: amsreader_json, "amsreader-raw": OnChange, "raw": RawHex}


def make_writer(output_format: str):
    """A fresh writer of the format (one reader's state), called with (reading, frame, mode, topic)."""
    return WRITERS[output_format]()


ENERGIES = {
    "active_energy_import": 1234567,
    "active_energy_export": 0,
    "reactive_energy_import": 89012,
    "reactive_energy_export": 345,
}


def kaifa_frames(count: int = 12) -> list[SentEntry]:
    """Kaifa lists 2 as the simulator logs them, real frames; every second one repeats the one before, the last is a list 3."""
    frames = []
    for seq in range(count):
        time = f"2026-03-02T09:00:{seq * 2:02d}"
        readings = {"meter_time": time, **list2(1000 + seq // 2, current=1.234 + seq // 2 * 0.011)}
        list_no = 3 if seq == count - 1 else 2
        if list_no == 3:
            readings.update(ENERGIES)
        entry = sent(seq, 100.0 + seq, readings, list_no, time=time)
        entry["frame"] = encode_frame(get_profile(METER), list_no, readings).hex().upper()
        frames.append(entry)
    return frames


def messages_of(output_format: str, mode: str, frames: list[SentEntry]) -> list[dict]:
    """What a reader writing output_format publishes for the frames, in the mode."""
    decoder, write = FrameDecoder(), make_writer(output_format)
    delay = LATE_S if mode == "late" else 0.02
    messages = []
    for frame in frames:
        raw = bytes.fromhex(frame["frame"])
        for topic, payload in write(decoder.decode(raw), raw, "good" if mode == "late" else mode, TOPIC):
            messages.append({"t": frame["end_mono"] + delay, "topic": topic, "payload": payload})
    return messages
