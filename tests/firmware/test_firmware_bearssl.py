"""The ESP8266's Crypto port (BearSSL's GCM and HMAC, esp8266/src/bear_crypto.h) built on the
host against Debian's BearSSL agrees with Python's cryptography: suite 0 lists deciphered with
and without a tag, a flipped tag bit refused, and the HMAC of signed commands."""

import hashlib
import hmac
import os
import subprocess

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.simulator.codec.link_support import KEYS

TITLE = bytes.fromhex("4B414D4501234567")


def ask(build, lines: list[str]) -> list[str]:
    """bearcheck's answers, one a request line."""
    binary = build / "bearcheck"
    if not binary.exists():
        pytest.fail(f"{binary} was not built: install libbearssl-dev (apt-get install -y libbearssl-dev)")
    done = subprocess.run(
        [str(binary)], check=True, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=30
    )
    return done.stdout.splitlines()


def hexed(data: bytes) -> str:
    return data.hex() or "-"


def sealed(plain: bytes, counter: int, control: int) -> tuple[bytes, bytes, bytes]:
    """IV, additional data and ciphertext-with-tag as a suite 0 meter makes them."""
    iv = TITLE + counter.to_bytes(4, "big")
    aad = bytes((control,)) + KEYS.authentication
    return iv, aad, AESGCM(KEYS.encryption).encrypt(iv, plain, aad)


@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 250, 900])
def test_bearssl_deciphers_what_cryptography_ciphers(firmware_build, length):
    plain = os.urandom(length)
    iv, aad, out = sealed(plain, 7 + length, 0x30)
    text, tag = out[:-16], out[-16:-4]  # DLMS sends 12 of the 16 tag bytes
    _, _, keystream_only = sealed(plain, 8 + length, 0x20)
    requests = [
        f"gcm {KEYS.encryption.hex()} {iv.hex()} {aad.hex()} {hexed(text)} {tag.hex()}",
        f"gcm {KEYS.encryption.hex()} {TITLE.hex()}{8 + length:08x} 20 {hexed(keystream_only[:-16])} -",
    ]
    assert ask(firmware_build, requests) == [plain.hex(), plain.hex()]


def test_bearssl_refuses_a_flipped_tag_bit_or_another_key(firmware_build):
    plain = b"\x0f\x00\x00\x00\x01" + bytes(40)
    iv, aad, out = sealed(plain, 1, 0x30)
    text, tag = out[:-16], bytearray(out[-16:-4])
    tag[5] ^= 0x01
    wrong_key = bytes(b ^ 0x5A for b in KEYS.encryption)
    requests = [
        f"gcm {KEYS.encryption.hex()} {iv.hex()} {aad.hex()} {text.hex()} {tag.hex()}",
        f"gcm {wrong_key.hex()} {iv.hex()} {aad.hex()} {text.hex()} {out[-16:-4].hex()}",
    ]
    assert ask(firmware_build, requests) == ["bad-tag", "bad-tag"]


def test_bearssl_hmac_is_the_signed_commands_hmac(firmware_build):
    secret, message = b"0123456789abcdef", b"1 hanbench/cmd config set topic ams"
    assert ask(firmware_build, [f"hmac {secret.hex()} {message.hex()}"]) == [
        hmac.new(secret, message, hashlib.sha256).hexdigest()
    ]
