"""The registry of line kinds: built-in serial and mbus, kinds added from above, unknown kinds named."""

import pytest

import simulator.lines as lines
from meter_profiles import SerialSettings, get_profile
from simulator.lines import LineError, MbusLine, PtyLine, SerialLine, line_kinds, open_line, register_line_kind

SERIAL = get_profile("kaifa-ma304h3e").serial


def test_serial_is_the_default_kind_for_a_pty_or_a_port():
    assert isinstance(open_line(None, SERIAL, pty=True), PtyLine)
    assert isinstance(open_line("/dev/ttyUSB0", SERIAL), SerialLine)
    assert isinstance(open_line("/dev/ttyUSB1", SERIAL, kind="mbus"), MbusLine)


def test_a_registered_kind_gets_the_port_the_settings_and_the_drop_policy(monkeypatch):
    calls = []

    def probe(port: str | None, serial: SerialSettings, drop: bool) -> str:
        calls.append((port, serial, drop))
        return "made"

    monkeypatch.setitem(lines._KINDS, "probe", probe)
    assert "probe" in line_kinds()
    assert open_line(None, SERIAL, pty=True, kind="probe", drop_when_full=False) == "made"
    assert open_line("/dev/pts/9", SERIAL, kind="probe") == "made"
    assert calls == [(None, SERIAL, False), ("/dev/pts/9", SERIAL, True)]


def test_register_line_kind_adds_a_name(monkeypatch):
    monkeypatch.setattr(lines, "_KINDS", dict(lines._KINDS))
    register_line_kind("loopback", lambda port, serial, drop: PtyLine(serial))
    assert isinstance(open_line(None, SERIAL, pty=True, kind="loopback"), PtyLine)


def test_an_unknown_kind_names_the_known_ones(monkeypatch):
    monkeypatch.setattr(lines, "_KINDS", {name: lines._KINDS[name] for name in ("serial", "mbus")})
    with pytest.raises(LineError) as error:
        open_line("/dev/ttyUSB0", SERIAL, kind="rs485")
    assert str(error.value) == "unknown line kind 'rs485'; known: mbus, serial"


def test_a_board_needs_its_port_not_a_pty():
    with pytest.raises(LineError) as error:
        open_line(None, SERIAL, pty=True, kind="mbus")
    assert str(error.value) == (
        "--line mbus drives an emulator board: give --port with its host link (/dev/ttyUSB1), not --pty"
    )
