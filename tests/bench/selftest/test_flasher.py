"""esptool as the station runs it: its MAC parsed, and a board that does not answer named in one error."""

import os
import tty

import pytest

from bench.selftest.errors import FlashError
from bench.selftest.flasher import Esptool, parse_mac

READ_MAC_OUTPUT = """esptool v5.6.0
Connected to ESP8266 on /dev/ttyUSB0:
Chip type:          ESP8266EX
MAC:                5c:cf:7f:0a:1b:2c
Hard resetting via RTS pin...
"""


def test_the_mac_is_read_from_esptool_output():
    assert parse_mac(READ_MAC_OUTPUT) == "5c:cf:7f:0a:1b:2c"


def test_output_without_a_mac_is_named():
    with pytest.raises(FlashError, match="printed no 'MAC: .*' line; its last line: A fatal error"):
        parse_mac("esptool v5.6.0\nA fatal error occurred")


def test_a_port_with_no_chip_behind_it_fails_with_esptools_reason(tmp_path):
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        with pytest.raises(FlashError) as error:
            Esptool(os.ttyname(slave), tmp_path / "esptool.log", timeout_s=30).read_mac()
    finally:
        os.close(master)
        os.close(slave)
    assert "esptool read-mac on /dev/pts/" in str(error.value)
    assert "Failed to connect to ESP8266" in str(error.value)


def test_flashing_a_missing_image_says_so(tmp_path):
    with pytest.raises(FlashError, match="no firmware image at .*nothing.bin; build it, or pass --image PATH"):
        Esptool("/dev/null", tmp_path / "esptool.log").flash(tmp_path / "nothing.bin")
