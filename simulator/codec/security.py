"""DLMS security suite 0: the general-glo-ciphering APDU around a data-notification.

    DB | 08 system title | length | security control | frame counter (4) | ciphertext | tag (12)

AES-128-GCM with IV = system title + frame counter. With authentication
(control 30) the additional data is the control byte and the authentication
key, and a 12-byte tag follows; encryption only (control 20) sends no tag.
The AES work is `cryptography`'s; this module only lays out the bytes. It loads
`cryptography` when a list is first ciphered or deciphered: decoding plaintext
frames, as most meters send, never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .axdr import content_start, encode_length
from .errors import FrameError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "GLO_CIPHERING",
    "TAG_BYTES",
    "Ciphered",
    "KeyRing",
    "Keys",
    "SecurityError",
    "cipher_apdu",
    "decipher_apdu",
    "read_ciphered",
]

GLO_CIPHERING = 0xDB
TAG_BYTES = 12
_AUTHENTICATED = 0x10
_ENCRYPTED = 0x20


class SecurityError(FrameError):
    """A ciphered APDU that cannot be read: no key for it, a wrong key, or a tag that does not verify."""


@dataclass(frozen=True)
class Keys:
    """A meter's encryption key (GUEK) and authentication key (GAK); never shown in a repr or a message."""

    encryption: bytes = field(repr=False)
    authentication: bytes = field(repr=False, default=b"")

    def __post_init__(self) -> None:
        if len(self.encryption) != 16:
            raise ValueError(f"the encryption key must be 16 bytes (32 hex digits), not {len(self.encryption)}")
        if self.authentication and len(self.authentication) != 16:
            raise ValueError(f"the authentication key must be 16 bytes (32 hex digits), not {len(self.authentication)}")


@dataclass(frozen=True)
class Ciphered:
    """The parts of a general-glo-ciphering APDU."""

    system_title: bytes
    control: int
    frame_counter: int
    payload: bytes  # ciphertext, then the tag when authenticated

    @property
    def authenticated(self) -> bool:
        """Whether a GCM tag ends the payload."""
        return bool(self.control & _AUTHENTICATED)


@lru_cache(maxsize=16)
def _aesgcm(key: bytes) -> AESGCM:
    """One cipher object per key: making it costs more than ciphering a list."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _iv(system_title: bytes, counter: int) -> bytes:
    return system_title + counter.to_bytes(4, "big")


def _associated_data(control: int, keys: Keys) -> bytes:
    return bytes((control,)) + keys.authentication


def cipher_apdu(plain: bytes, system_title: bytes, control: int, counter: int, keys: Keys) -> bytes:
    """The general-glo-ciphering APDU that carries `plain`, as a suite 0 meter sends it."""
    if control & _AUTHENTICATED and not keys.authentication:
        raise SecurityError("authenticated encryption needs an authentication key; the keys give none")
    sealed = _aesgcm(keys.encryption).encrypt(_iv(system_title, counter), plain, _associated_data(control, keys))
    payload = sealed[: len(plain) + TAG_BYTES] if control & _AUTHENTICATED else sealed[: len(plain)]
    content = bytes((control,)) + counter.to_bytes(4, "big") + payload
    return bytes((GLO_CIPHERING, len(system_title))) + system_title + encode_length(len(content)) + content


def read_ciphered(apdu: bytes) -> Ciphered:
    """Split a general-glo-ciphering APDU into its parts, checking its lengths."""
    if len(apdu) < 2 or apdu[0] != GLO_CIPHERING or apdu[1] != 8 or len(apdu) < 11:
        raise FrameError("not a general-glo-ciphering APDU (DB 08 and an 8-byte system title)")
    start = content_start(apdu, 10, "ciphered APDU")
    if len(apdu) - start < 5:
        raise FrameError(f"ciphered APDU: {len(apdu) - start} bytes cannot hold the security control and frame counter")
    control = apdu[start]
    if control & 0x0F != 0 or not control & _ENCRYPTED:
        raise SecurityError(f"security control {control:02X}: only suite 0 with encryption (30 or 20) is understood")
    return Ciphered(apdu[2:10], control, int.from_bytes(apdu[start + 1 : start + 5], "big"), apdu[start + 5 :])


def decipher_apdu(ciphered: Ciphered, keys: Keys) -> bytes:
    """The plain APDU inside, or SecurityError when the tag does not verify (wrong key, tampered frame)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    iv = _iv(ciphered.system_title, ciphered.frame_counter)
    if not ciphered.authenticated:
        # No tag to check: the GCM keystream alone. A wrong key gives noise that the APDU parser refuses.
        return Cipher(algorithms.AES(keys.encryption), modes.GCM(iv)).decryptor().update(ciphered.payload)
    if not keys.authentication:
        raise SecurityError("the frame is authenticated (security control 30) but no authentication key was given")
    if len(ciphered.payload) < TAG_BYTES:
        raise SecurityError(
            f"authenticated APDU of {len(ciphered.payload)} bytes has no room for its {TAG_BYTES}-byte tag"
        )
    text, tag = ciphered.payload[:-TAG_BYTES], ciphered.payload[-TAG_BYTES:]
    decryptor = Cipher(algorithms.AES(keys.encryption), modes.GCM(iv, tag, min_tag_length=TAG_BYTES)).decryptor()
    decryptor.authenticate_additional_data(_associated_data(ciphered.control, keys))
    try:
        return decryptor.update(text) + decryptor.finalize()
    except InvalidTag:
        raise SecurityError(
            f"frame counter {ciphered.frame_counter}: the authentication tag does not verify "
            "(wrong encryption or authentication key, or the frame was altered)"
        ) from None


class KeyRing:
    """Which keys decipher which meter: by profile name, with a default for any other meter."""

    def __init__(self, by_meter: dict[str, Keys] | None = None, default: Keys | None = None) -> None:
        self._by_meter = dict(by_meter or {})
        self.default = default

    def __bool__(self) -> bool:
        return bool(self._by_meter) or self.default is not None

    def for_meter(self, name: str) -> Keys | None:
        """The keys of the meter with this profile name, else the default ones, else None."""
        return self._by_meter.get(name, self.default)
