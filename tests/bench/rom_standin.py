"""A stand-in for the ESP8266's serial bootloader on a pty: enough of its SLIP protocol for esptool to flash it.

It answers SYNC, register reads (the chip's magic, its eFuses, the SPI
registers esptool polls), takes the flasher stub into RAM and says OHAI as
the stub does, then writes compressed flash data into a bytearray and
answers the MD5 esptool verifies with. What it cannot be: a pty has no DTR
or RTS, so esptool's resets reach nothing here (it warns and goes on).
"""

import hashlib
import os
import struct
import threading
import tty
import zlib

__all__ = ["RomStandIn"]

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD
SYNC, READ_REG, WRITE_REG = 0x08, 0x0A, 0x09
MEM_BEGIN, MEM_END, MEM_DATA = 0x05, 0x06, 0x07
FLASH_BEGIN, FLASH_DATA, FLASH_END = 0x02, 0x03, 0x04
DEFL_BEGIN, DEFL_DATA, DEFL_END, FLASH_MD5 = 0x10, 0x11, 0x12, 0x13
UNSUPPORTED = 0x14  # GET_SECURITY_INFO: the ESP8266's ROM does not know it, so esptool reads the magic instead
INVALID_MESSAGE = 0x05
# What esptool reads: the chip-detect magic at 0x40001000 and the four eFuse words (a MAC of 5c:cf:7f:...).
# The UART divider says a 26 MHz crystal at 115200 baud; SPI W0 holds a 4 MB flash's JEDEC id after a read-id.
REGISTERS = {
    0x40001000: 0xFFF0C101,
    0x3FF00050: 0x0A1B2C00,
    0x3FF00054: 0x02000000,
    0x3FF00058: 0x00000000,
    0x3FF0005C: 0x005CCF7F,
    0x60000014: 451,
    0x60000240: 0x164020,
}
FLASH_SIZE = 4 * 1024 * 1024


def slip(packet: bytes) -> bytes:
    """One SLIP frame."""
    body = packet.replace(bytes([ESC]), bytes([ESC, ESC_ESC])).replace(bytes([END]), bytes([ESC, ESC_END]))
    return bytes([END]) + body + bytes([END])


class RomStandIn(threading.Thread):
    """The bootloader on the master side of a pty; `port` is the side esptool opens."""

    def __init__(self):
        super().__init__(daemon=True, name="rom stand-in")
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave
        self.flash = bytearray(b"\xff" * FLASH_SIZE)
        self.commands: list[int] = []
        self._inflate: zlib._Decompress | None = None
        self._offset = 0
        self._stop = threading.Event()

    def close(self) -> None:
        """Stop answering and close both sides."""
        self._stop.set()
        os.close(self._slave)

    def run(self) -> None:
        frame, escaped = bytearray(), False
        while not self._stop.is_set():
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                return
            for byte in chunk:
                if byte == END:
                    if frame:
                        self._answer(bytes(frame))
                    frame = bytearray()
                elif escaped:
                    frame.append(END if byte == ESC_END else ESC)
                    escaped = False
                elif byte == ESC:
                    escaped = True
                else:
                    frame.append(byte)

    def _send(self, op: int, value: int = 0, data: bytes = b"", status: bytes = b"\0\0") -> None:
        body = data + status
        os.write(self._master, slip(struct.pack("<BBHI", 1, op, len(body), value) + body))

    def _answer(self, packet: bytes) -> None:
        if len(packet) < 8 or packet[0] != 0:
            return
        op, data = packet[1], packet[8:]
        self.commands.append(op)
        if op == SYNC:
            for _ in range(8):
                self._send(op)
        elif op == READ_REG:
            self._send(op, REGISTERS.get(struct.unpack("<I", data[:4])[0], 0))
        elif op == MEM_END:
            self._send(op)
            os.write(self._master, slip(b"OHAI"))  # what the flasher stub says when it runs
        elif op == DEFL_BEGIN:
            self._inflate, self._offset = zlib.decompressobj(), struct.unpack("<4I", data[:16])[3]
            self._send(op)
        elif op == DEFL_DATA:
            assert self._inflate is not None, "DEFL_DATA before DEFL_BEGIN"
            self._write(self._inflate.decompress(data[16 : 16 + struct.unpack("<I", data[:4])[0]]))
            self._send(op)
        elif op == FLASH_MD5:
            address, size = struct.unpack("<II", data[:8])
            self._send(op, data=hashlib.md5(self.flash[address : address + size]).digest())
        elif op == UNSUPPORTED:
            self._send(op, status=bytes([1, INVALID_MESSAGE]))
        else:
            self._send(op)

    def _write(self, data: bytes) -> None:
        self.flash[self._offset : self._offset + len(data)] = data
        self._offset += len(data)
