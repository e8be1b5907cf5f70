"""The rig's board: flashed through its serial bootloader (a stand-in on a pty) and reset as esptool resets it."""

import os

import pytest
from serial.urlhandler import protocol_loop

from bench.broker import BrokerEndpoint
from bench.dut import Wiring, make_dut
from bench.errors import DutError
from bench.selftest.errors import FlashError
from tests.bench.rom_standin import RomStandIn

WIRING = Wiring("loop://", "8E1", BrokerEndpoint("127.0.0.1", 1883), "hanbench/rig")


def test_flash_writes_the_image_through_the_bootloader_before_the_runs(tmp_path):
    rom = RomStandIn()
    rom.start()
    image = tmp_path / "firmware.bin"
    image.write_bytes(os.urandom(20_000) + b"\xe9" * 96)
    try:
        board = make_dut("rig", tmp_path, port="loop://", console=rom.port, image=image)
        board.build()
    finally:
        rom.close()
    assert bytes(rom.flash[: image.stat().st_size]) == image.read_bytes()
    log = (tmp_path / "esptool.log").read_text()
    assert "Hash of data verified" in log and "write-flash 0x0" in log


def test_flash_without_a_bootloader_answering_is_one_clear_error(tmp_path):
    master, slave = os.openpty()
    image = tmp_path / "firmware.bin"
    image.write_bytes(b"\xe9" * 64)
    try:
        with pytest.raises(FlashError, match="esptool write-flash on /dev/pts/.* failed"):
            make_dut("rig", tmp_path, port="loop://", console=os.ttyname(slave), image=image).build()
    finally:
        os.close(master)
        os.close(slave)


def test_a_reader_restart_pulses_en_through_rts_and_leaves_gpio0_high(tmp_path, monkeypatch):
    lines = []
    monkeypatch.setattr(protocol_loop.Serial, "_update_rts_state", lambda port: lines.append(("RTS", port._rts_state)))
    monkeypatch.setattr(protocol_loop.Serial, "_update_dtr_state", lambda port: lines.append(("DTR", port._dtr_state)))
    board = make_dut("rig", tmp_path, port="loop://", console="loop://")
    board.build()
    board.start(WIRING)
    lines.clear()
    board.restart()
    board.stop()
    rts = [level for line, level in lines if line == "RTS"]
    assert rts[0] is True and rts[-1] is False, lines  # EN held low, then released: the chip boots
    assert not any(level for line, level in lines if line == "DTR"), lines  # GPIO0 high: from flash, not the bootloader


def test_a_restart_without_a_console_and_flash_off_the_rig_are_refused(tmp_path):
    board = make_dut("rig", tmp_path, port="loop://")
    board.build()
    board.start(WIRING)
    with pytest.raises(DutError, match="give --console"):
        board.restart()
    with pytest.raises(DutError, match="--flash writes a board on the rig"):
        make_dut("host", tmp_path, image=tmp_path / "x.bin")
