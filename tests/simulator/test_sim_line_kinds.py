"""The registry of line kinds: installed kinds found through entry points, kinds added in-process, unknown kinds named."""

from importlib.metadata import entry_points

import pytest
from click.testing import CliRunner

import simulator.lines as lines
from meter_profiles import SerialSettings, get_profile
from simulator.cli import sim
from simulator.lines import (
    ENTRY_POINT_GROUP,
    Line,
    LineError,
    PtyLine,
    SerialLine,
    line_kinds,
    open_line,
    open_serial,
    register_line_kind,
)

from .support import MemoryLine

SERIAL = get_profile("kaifa-ma304h3e").serial


def test_the_installed_kinds_come_from_the_entry_points_not_from_imports():
    points = {point.name: point.value for point in entry_points(group=ENTRY_POINT_GROUP)}
    assert points == {
        "serial": "simulator.lines:open_serial",
        "mbus": "hardware.kinds:open_mbus",
        "mbus-sim": "hardware.kinds:open_mbus_sim",
    }
    assert line_kinds() == ["mbus", "mbus-sim", "serial"]
    assert entry_points(group=ENTRY_POINT_GROUP)["serial"].load() is open_serial


def test_serial_is_the_default_kind_for_a_pty_or_a_port():
    assert isinstance(open_line(None, SERIAL, pty=True), PtyLine)
    assert isinstance(open_line("/dev/ttyUSB0", SERIAL), SerialLine)


def test_a_registered_kind_gets_the_port_the_settings_and_the_drop_policy(monkeypatch):
    calls = []
    made = MemoryLine(SERIAL)

    def probe(port: str | None, serial: SerialSettings, drop: bool) -> Line:
        calls.append((port, serial, drop))
        return made

    monkeypatch.setattr(lines, "_REGISTERED", {})
    register_line_kind("probe", probe)
    assert "probe" in line_kinds()
    assert open_line(None, SERIAL, pty=True, kind="probe", drop_when_full=False) is made
    assert open_line("/dev/pts/9", SERIAL, kind="probe") is made
    assert calls == [(None, SERIAL, False), ("/dev/pts/9", SERIAL, True)]


def test_an_unknown_kind_is_one_line_naming_the_installed_ones():
    result = CliRunner().invoke(sim, ["--meter", "kaifa-ma304h4", "--pty", "--line", "rs485"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["Error: unknown line kind 'rs485'; known: mbus, mbus-sim, serial"]


def test_without_installed_kinds_the_error_says_how_to_install_them(monkeypatch):
    monkeypatch.setattr(lines, "entry_points", lambda group: [])
    with pytest.raises(LineError) as error:
        open_line(None, SERIAL, pty=True)
    assert str(error.value) == (
        "unknown line kind 'serial': no line kinds are installed; install hanbench (pip install -e .) "
        "so its hanbench.lines entry points exist"
    )
