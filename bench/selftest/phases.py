"""The self-test's phases, in the order a board goes through them, each with the measurements it takes.

A phase that waits for the board and gets nothing leaves its measurement
unset and says why (Unit.why): an unset measurement fails the phase, so the
record names the phase and the measurement, and "why" says what never came.
Phases that need hardware the station does not have (esptool on a reader run
on this machine) are SKIPped: recorded as not applicable, never as passed.
"""

import json
import time

import openhtf as htf

from ..check.compare import differences
from ..observer.adapters import publications
from .burst import TestFrame, bad_fcs_frames, make_frames
from .console import BoardFault, ConsoleLink
from .datafiles import Burst, Limits, MakeBurst
from .errors import FlashError
from .plugs import placeholders

__all__ = ["build_phases"]

# The firmware's banner (its first log line after reset) and its answer to `version`.
BANNER = r"hanreader (?P<version>\S+) started, id (?P<id>\S+)"
VERSION_REPLY = r"^hanreader (\S+)$"
SET_REPLY = r"^(ok|error)\b.*$"
SECRETS = frozenset({"wifi_password", "mqtt_password"})
# How often the hello command is repeated until the board, once subscribed, answers.
HELLO_EVERY_S = 0.1

_plugs = placeholders()


def _not_measured(test, name: str, why: str, unit) -> None:
    unit.why[name] = why.splitlines()[0]
    test.logger.warning("%s not measured: %s", name, why)


@htf.plug(unit=_plugs["unit"])
def scan_label(test, unit):
    """The serial number on the label, as the operator scanned it."""
    if unit.unit.serial_number is None:
        return htf.PhaseResult.SKIP
    test.measurements.serial_number = unit.unit.serial_number


@htf.plug(unit=_plugs["unit"], flasher=_plugs["flasher"])
def read_chip(test, unit, flasher):
    """The chip's MAC, read by esptool: the board's identity before any firmware runs."""
    if flasher.esptool is None:
        return htf.PhaseResult.SKIP
    try:
        unit.unit.chip_mac = test.measurements.chip_mac = flasher.esptool.read_mac()
    except FlashError as error:
        _not_measured(test, "chip_mac", str(error), unit.unit)


@htf.plug(unit=_plugs["unit"], flasher=_plugs["flasher"])
def flash(test, unit, flasher):
    """Write the firmware image with esptool (a board on the station only)."""
    if flasher.esptool is None:
        return htf.PhaseResult.SKIP
    try:
        test.measurements.flash_s = flasher.esptool.flash(unit.unit.config.image)
    except FlashError as error:
        _not_measured(test, "flash_s", str(error), unit.unit)


@htf.plug(unit=_plugs["unit"], console=_plugs["console"], line=_plugs["line"])
def boot(test, unit, console, line):
    """Power on: the banner within its limit, the board's id, and the version the console answers."""
    settings = unit.unit.config.limits.station
    powered = console.power_on(line.reader_port)
    try:
        banner, seen = console.link.expect(BANNER, settings.boot_timeout_s)
    except BoardFault as fault:
        return _not_measured(test, "boot_banner_s", str(fault), unit.unit)
    test.measurements.boot_banner_s = round(seen - powered, 3)
    unit.unit.board_id = test.measurements.board_id = banner["id"]
    if unit.unit.serial_number is None:
        test.dut_id = banner["id"]  # no label scanned: the chip's id is the unit's name
    try:
        version = console.link.command("version", VERSION_REPLY)
    except BoardFault as fault:
        return _not_measured(test, "firmware_version", str(fault), unit.unit)
    unit.unit.firmware_version = test.measurements.firmware_version = version.split()[1]


def _board_settings(unit, endpoint) -> dict[str, str]:
    config = unit.config
    return {
        "wifi_ssid": config.wifi_ssid,
        "wifi_password": config.wifi_password,
        "mqtt_host": endpoint.host,
        "mqtt_port": str(endpoint.port),
        "mqtt_user": endpoint.username or "",
        "mqtt_password": endpoint.password or "",
        "topic": unit.topic,
        "command_topic": unit.command_topic,
        "format": "classic",
        "serial": "auto",
    }


def _config_get(link: ConsoleLink, key: str) -> str:
    """The board's `KEY=value` line for one setting, or its error."""
    return link.command(f"config get {key}", rf"^({key}=.*|error\b.*)$")


def _readback(value: str, key: str) -> str:
    return ("********" if value else "") if key in SECRETS else value


@htf.plug(unit=_plugs["unit"], console=_plugs["console"], broker=_plugs["broker"])
def provision(test, unit, console, broker):
    """Set WiFi and MQTT through the console, read every setting back, and reboot into them."""
    rejected = 0
    for key, value in _board_settings(unit.unit, broker.endpoint).items():
        shown = f"config set {key} {_readback(value, key)}".rstrip()  # no password in the console log
        reply = console.link.command(f"config set {key} {value}".rstrip(), SET_REPLY, logged=shown)
        readback = _config_get(console.link, key)
        if not reply.startswith("ok") or readback != f"{key}={_readback(value, key)}":
            rejected += 1
            test.logger.warning("setting %s: set answered %r, read back %r", key, reply, readback)
    test.measurements.provision_rejected = rejected
    since = console.link.mark()
    console.link.command("reboot", r"^rebooting$")
    console.link.expect(BANNER, unit.unit.config.limits.station.boot_timeout_s, since)


@htf.plug(unit=_plugs["unit"], broker=_plugs["broker"])
def mqtt_hello(test, unit, broker):
    """A command over MQTT and the board's answer: it is connected, subscribed and publishing."""
    settings = unit.unit.config.limits.station
    reply_topic = unit.unit.command_topic + "/reply"
    mark = broker.mark()
    sent_at = time.monotonic()
    deadline = sent_at + settings.hello_timeout_s
    while time.monotonic() < deadline:
        broker.publish(unit.unit.command_topic, "version")
        answers = broker.wait_for(mark, reply_topic, HELLO_EVERY_S)
        if answers:
            test.measurements.mqtt_hello_s = round(answers[0]["t"] - sent_at, 3)
            test.measurements.mqtt_hello_version = answers[0]["payload"]
            return
    for name in ("mqtt_hello_s", "mqtt_hello_version"):
        _not_measured(
            test,
            name,
            f"no answer on {reply_topic} within {settings.hello_timeout_s:g} s "
            f"of sending `version` to {unit.unit.command_topic}",
            unit.unit,
        )


def _status(link: ConsoleLink) -> dict[str, str]:
    reply = link.command("status", r"^status\b.*$")
    return dict(part.split("=", 1) for part in reply.split()[1:] if "=" in part)


def _set_serial(link: ConsoleLink, frame: TestFrame, unit, test) -> None:
    """Set the board's HAN serial to the make's, and wait until it is back on the broker.

    Applying a setting reconnects the board to its broker; a frame that comes
    meanwhile is decoded but cannot be published, so the burst waits.
    """
    if unit.serial_setting == frame.serial:
        return
    reply = link.command(f"config set serial {frame.serial}", SET_REPLY)
    if not reply.startswith("ok"):
        test.logger.warning("config set serial %s answered %r", frame.serial, reply)
    unit.serial_setting = frame.serial
    deadline = time.monotonic() + unit.config.limits.station.hello_timeout_s
    while _status(link).get("mqtt") != "connected" and time.monotonic() < deadline:
        time.sleep(0.05)


def _send_and_wait(frame: TestFrame, unit, line, broker) -> tuple[float, list[dict]]:
    """Put one frame on the line; when its last byte went out, and what the board published after it."""
    mark = broker.mark()
    sent = line.send(frame.data, frame.meter)
    return sent, broker.wait_for(mark, unit.topic, unit.config.limits.station.publish_timeout_s)


def _check_burst(test, frames: list[TestFrame], unit, line, broker) -> tuple[int, int, list[float]]:
    missing, wrong, latencies = 0, 0, []
    for frame in frames:
        sent, found = _send_and_wait(frame, unit, line, broker)
        if not found:
            missing += 1
            test.logger.warning("%s list %d: nothing published on %s", frame.meter, frame.list_no, unit.topic)
            continue
        latencies.append(found[0]["t"] - sent)
        publication = publications("classic", unit.topic, found[:1])[0]
        wrong_here = [publication.error] if publication.error else differences(frame.as_sent(), publication.fields)
        for text in wrong_here:
            test.logger.warning("%s list %d: %s", frame.meter, frame.list_no, text)
        wrong += len(wrong_here)
    return missing, wrong, latencies


def _han_phase(make: MakeBurst):
    prefix = f"han_{make.name}"

    @htf.PhaseOptions(name=prefix)
    @htf.plug(unit=_plugs["unit"], console=_plugs["console"], line=_plugs["line"], broker=_plugs["broker"])
    def han(test, unit, console, line, broker):
        """Every list of this make through the line; every published value equal to the encoded one."""
        frames = make_frames(make)
        _set_serial(console.link, frames[0], unit.unit, test)
        missing, wrong, latencies = _check_burst(test, frames, unit.unit, line, broker)
        test.measurements[f"{prefix}_lists_missing"] = missing
        test.measurements[f"{prefix}_wrong_values"] = wrong
        if latencies:
            test.measurements[f"{prefix}_latency_s"] = round(max(latencies), 4)
        else:
            _not_measured(test, f"{prefix}_latency_s", f"no {make.name} list was published", unit.unit)

    return han, [f"{prefix}_lists_missing", f"{prefix}_wrong_values", f"{prefix}_latency_s"]


def _data(message: dict) -> dict:
    try:
        data = json.loads(message["payload"]).get("data", {})
    except (ValueError, AttributeError):
        return {}
    return data if isinstance(data, dict) else {}


@htf.plug(unit=_plugs["unit"], console=_plugs["console"], line=_plugs["line"], broker=_plugs["broker"])
def temperature(test, unit, console, line, broker):
    """The board's temperature sensor, as it publishes it with a list."""
    frame = bad_fcs_frames(unit.unit.config.burst)[1]
    _set_serial(console.link, frame, unit.unit, test)
    _, found = _send_and_wait(frame, unit.unit, line, broker)
    value = _data(found[0]).get("temp") if found else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        test.measurements.board_temperature = value
    else:
        why = "nothing published" if not found else f"the message has no numeric data.temp: {found[0]['payload'][:120]}"
        _not_measured(test, "board_temperature", why, unit.unit)


@htf.plug(unit=_plugs["unit"], console=_plugs["console"], line=_plugs["line"], broker=_plugs["broker"])
def bad_fcs(test, unit, console, line, broker):
    """A frame with a corrupted FCS is never published; the clean frame after it is."""
    config = unit.unit.config.burst.bad_fcs
    bad, good = bad_fcs_frames(unit.unit.config.burst)
    _set_serial(console.link, good, unit.unit, test)
    mark = broker.mark()
    line.send(bad.data, bad.meter)
    _send_and_wait(good, unit.unit, line, broker)
    powers = [_data(message).get("P") for message in broker.since(mark, unit.unit.topic)]
    test.measurements.bad_fcs_published = powers.count(config.bad_power)
    test.measurements.good_after_bad_missing = 0 if config.good_power in powers else 1


@htf.plug(unit=_plugs["unit"], console=_plugs["console"])
def seal(test, unit, console):
    """Leave no way in over MQTT the limits did not ask for: clear the command topic, check there is no secret."""
    keep_topic = unit.unit.config.limits.station.keep_command_topic
    if not keep_topic:
        reply = console.link.command("config set command_topic", SET_REPLY)
        if not reply.startswith("ok"):
            test.logger.warning("clearing command_topic answered %r", reply)
    left = 0
    for key, allowed in (("command_topic", keep_topic), ("command_secret", False)):
        readback = _config_get(console.link, key)
        if readback != f"{key}=" and not allowed:
            left += 1
            test.logger.warning("the board keeps %s: %s", key, readback)
    test.measurements.command_access_left = left


_FIXED = [
    (scan_label, ["serial_number"]),
    (read_chip, ["chip_mac"]),
    (flash, ["flash_s"]),
    (boot, ["boot_banner_s", "board_id", "firmware_version"]),
    (provision, ["provision_rejected"]),
    (mqtt_hello, ["mqtt_hello_s", "mqtt_hello_version"]),
]
_AFTER_HAN = [
    (temperature, ["board_temperature"]),
    (bad_fcs, ["bad_fcs_published", "good_after_bad_missing"]),
    (seal, ["command_access_left"]),
]


def build_phases(limits: Limits, burst: Burst) -> list:
    """Every phase in order, each carrying its measurements with the limits file's units and limits."""
    ordered = _FIXED + [_han_phase(make) for make in burst.make] + _AFTER_HAN
    return [htf.measures(*(limits.measurement(name) for name in names))(phase) for phase, names in ordered]
