"""Everything between a list's APDU and the line: ciphering, block transfer, segmentation, M-Bus long frames.

A profile with neither security nor a transport setting sends what
`encode_frame` builds, untouched. Otherwise the plain APDU is ciphered
(security suite 0, the frame counter going up by one a frame), cut into
General Block Transfer blocks if the profile says so, and each APDU put in
HDLC frames (split above the profile's `max_info`) or M-Bus long frames.

`LinkDecoder` undoes all of it frame by frame, as a strict reader would:
it joins pieces, deciphers with the meter's keys, refuses a tag that does
not verify and a frame counter that is not above the last one it accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meter_profiles import bundled_profiles

from .apdu import LLC_HEADER
from .blocks import GENERAL_BLOCK_TRANSFER, build_blocks, read_block
from .encoder import FrameEncoder
from .errors import FrameError
from .frames import FrameDecoder
from .hdlc import FLAG, HdlcDeframer, HdlcFrame, parse_frame
from .mbus import MbusDeframer, MbusFrame, build_mbus_frames, parse_mbus_frame
from .security import (
    GLO_CIPHERING,
    TAG_BYTES,
    Ciphered,
    KeyRing,
    Keys,
    SecurityError,
    cipher_apdu,
    decipher_apdu,
    read_ciphered,
)
from .segments import NumberedJoiner, Reassembler, build_segmented

if TYPE_CHECKING:
    from meter_profiles import Profile
    from meter_profiles.schema import SecuritySettings

__all__ = ["Encoded", "LinkDecoder", "LinkDeframer", "LinkEncoder", "Tamper"]

# APDUs that wrap another: a ciphered one, or a block of one.
_WRAPPERS = (bytes((GLO_CIPHERING,)), bytes((GENERAL_BLOCK_TRANSFER,)))


@dataclass(frozen=True)
class Tamper:
    """What a fault plan does to one frame's ciphering."""

    counter_back: int = 0  # the counter drops by this much from this frame on (a meter reset)
    repeat_counter: bool = False  # this frame reuses the last frame's counter
    wrong_key: bool = False  # ciphered with a key that is not the meter's
    bad_tag: bool = False  # one bit of the authentication tag flipped


@dataclass(frozen=True)
class Encoded:
    """The bytes of one list on the line, with the frame counter used and whether it was not above every earlier one."""

    data: bytes
    counter: int | None = None
    stale: bool = False


def _wrong(keys: Keys) -> Keys:
    """Keys that differ from the meter's in every byte: what a reader given the wrong key holds."""
    flip = bytes(b ^ 0x5A for b in keys.encryption)
    return Keys(flip, bytes(b ^ 0x5A for b in keys.authentication))


class LinkEncoder:
    """One meter's way from a reading to line bytes, holding its frame counter from frame to frame."""

    def __init__(self, profile: Profile, keys: Keys | None = None) -> None:
        self.profile = profile
        security = profile.security
        if security is not None and keys is None:
            raise SecurityError(f"{profile.name} encrypts its lists: give its keys in a keys file (--keys-file)")
        self._keys = keys
        self._frames_of = FrameEncoder(profile)
        self.counter = security.frame_counter if security else 0
        self.highest = -1  # the highest counter sent so far
        transport = profile.transport
        self._plain = (
            security is None and transport.kind == "hdlc" and transport.max_info is None and not transport.block_size
        )
        # flag, format (2), addresses, control, HCS (2), then the LLC header: where the APDU starts in a frame.
        self._body_at = 1 + 2 + len(profile.hdlc.dst) + len(profile.hdlc.src) + 1 + 2 + len(LLC_HEADER)

    def encode(self, list_no: int, reading: dict[str, Any], tamper: Tamper | None = None) -> Encoded:
        """The line bytes of one list; a tamper changes its ciphering as a fault plan says."""
        frame = self._frames_of.encode(list_no, reading)
        if self._plain:
            return Encoded(frame)
        apdu = frame[self._body_at : -3]  # encode_frame's own frame: its header is this profile's, its CRCs right
        security, keys = self.profile.security, self._keys
        if security is None or keys is None:  # the keys are there whenever the profile encrypts (__init__ checks)
            return Encoded(self._frames(apdu))
        apdu, counter, stale = self._cipher(apdu, tamper or Tamper(), security, keys)
        return Encoded(self._frames(apdu), counter, stale)

    def _cipher(self, apdu: bytes, tamper: Tamper, security: SecuritySettings, keys: Keys) -> tuple[bytes, int, bool]:
        self.counter = max(self.counter - tamper.counter_back, 0)
        counter = self.counter - 1 if tamper.repeat_counter and self.counter > 0 else self.counter
        keys = _wrong(keys) if tamper.wrong_key else keys
        ciphered = bytearray(cipher_apdu(apdu, security.system_title, security.control, counter, keys))
        if tamper.bad_tag and security.control & 0x10:
            ciphered[-1 - counter % TAG_BYTES] ^= 0x01
        stale = counter <= self.highest
        self.highest = max(self.highest, counter)
        self.counter = counter + 1
        return bytes(ciphered), counter, stale

    def _frames(self, apdu: bytes) -> bytes:
        size = self.profile.transport.block_size
        return b"".join(map(self._framed, build_blocks(apdu, size) if size else [apdu]))

    def _framed(self, apdu: bytes) -> bytes:
        transport = self.profile.transport
        if transport.kind == "mbus":
            return build_mbus_frames(apdu, transport.mbus)
        hdlc = self.profile.hdlc
        return build_segmented(hdlc.dst, hdlc.src, hdlc.control[0], LLC_HEADER + apdu, transport.max_info)


class LinkDecoder:
    """Decodes frames as they come, joining pieces and deciphering, to canonical readings.

    `feed` takes one whole frame (HDLC or M-Bus; `feed_hdlc` and `feed_mbus`
    a checked one) and returns the reading of the list it completes, None
    while a list waits for its next piece, or raises FrameError
    (SecurityError for a key, tag or counter refused).
    """

    def __init__(self, profiles: dict[str, Profile] | None = None, keys: KeyRing | None = None) -> None:
        self._profiles = profiles  # None: the bundled ones, as the frame decoder finds them
        self._keys = keys or KeyRing()
        self._decoder = FrameDecoder(profiles)
        self._hdlc = Reassembler(LLC_HEADER)
        self._mbus = NumberedJoiner(first=0)
        self._blocks = NumberedJoiner(first=1)
        self._last_counter: dict[bytes, int] = {}

    def feed(self, frame: bytes) -> dict[str, Any] | None:
        """The reading of the list this frame completes, or None while more pieces are due."""
        if frame[:1] == bytes((FLAG,)):
            return self.feed_hdlc(parse_frame(frame))
        return self.feed_mbus(parse_mbus_frame(frame))

    def feed_hdlc(self, hdlc: HdlcFrame) -> dict[str, Any] | None:
        """As feed, for a checked HDLC frame."""
        if self._hdlc.idle and not hdlc.segmented and hdlc.info[3:4] not in _WRAPPERS:
            return self._decoder.decode_hdlc(hdlc)  # a plaintext list in one frame, as Norwegian meters send
        info = self._hdlc.feed(hdlc)
        if info is None:
            return None
        if not info.startswith(LLC_HEADER):
            raise FrameError(f"LLC header must be E6 E7 00, not {info[:3].hex(' ').upper()}")
        return self._apdu(info[len(LLC_HEADER) :], hdlc.dst, hdlc.src, hdlc.control)

    def feed_mbus(self, mbus: MbusFrame) -> dict[str, Any] | None:
        """As feed, for a checked M-Bus long frame."""
        apdu = self._mbus.feed(mbus.sequence, mbus.last, mbus.piece)
        if apdu is None:
            return None
        return self._apdu(apdu, *self._mbus_addresses(mbus.control, mbus.address))

    def _mbus_addresses(self, control: int, address: int) -> tuple[bytes, bytes, int]:
        """The HDLC addresses the profiles that send these M-Bus fields would use, to find their lists."""
        for profile in self._known().values():
            mbus = profile.transport.mbus
            if profile.transport.kind == "mbus" and (mbus.control, mbus.address) == (control, address):
                return profile.hdlc.dst, profile.hdlc.src, profile.hdlc.control[0]
        raise FrameError(f"no profile sends M-Bus long frames with C {control:02X} and A {address:02X}")

    def _apdu(self, apdu: bytes, dst: bytes, src: bytes, control: int) -> dict[str, Any] | None:
        if apdu[:1] == bytes((GENERAL_BLOCK_TRANSFER,)):
            block = read_block(apdu)
            joined = self._blocks.feed(block.number, block.last, block.data)
            if joined is None:
                return None
            apdu = joined
        ciphered = read_ciphered(apdu) if apdu[:1] == bytes((GLO_CIPHERING,)) else None
        if ciphered is not None:
            apdu = self._decipher(ciphered)
        try:
            # The list as the meter would have sent it unciphered, in one frame: the profiles' own decoder reads it.
            reading = self._decoder.decode_hdlc(HdlcFrame(dst, src, control, LLC_HEADER + apdu))
        except FrameError as error:
            if ciphered is None or ciphered.authenticated:
                raise
            raise SecurityError(
                f"frame counter {ciphered.frame_counter}: the deciphered list does not parse ({error}); "
                "is the encryption key right?"
            ) from None
        if ciphered is not None:
            # Only a list that deciphered and parsed moves the counter on: noise must not lock a reader out.
            self._last_counter[ciphered.system_title] = ciphered.frame_counter
            reading["security"] = {
                "system_title": ciphered.system_title.hex().upper(),
                "frame_counter": ciphered.frame_counter,
                "control": f"{ciphered.control:02X}",
            }
        return reading

    def _decipher(self, ciphered: Ciphered) -> bytes:
        last = self._last_counter.get(ciphered.system_title)
        if last is not None and ciphered.frame_counter <= last:
            raise SecurityError(
                f"frame counter {ciphered.frame_counter} is not above the last accepted {last} "
                "(a replayed frame, or the meter was reset): refused"
            )
        return decipher_apdu(ciphered, self._keys_for(ciphered.system_title))

    def _known(self) -> dict[str, Profile]:
        return bundled_profiles() if self._profiles is None else self._profiles

    def _keys_for(self, title: bytes) -> Keys:
        for profile in self._known().values():
            if profile.security is not None and profile.security.system_title == title:
                keys = self._keys.for_meter(profile.name)
                break
        else:
            keys = self._keys.default
        if keys is None:
            raise SecurityError(
                f"the frame is encrypted (system title {title.hex().upper()}) and no key was given for it"
            )
        return keys


class LinkDeframer:
    """Finds whole HDLC frames and M-Bus long frames in one byte stream: a line carries one kind or the other."""

    def __init__(self) -> None:
        self.hdlc = HdlcDeframer()
        self.mbus = MbusDeframer()

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; the frames of either kind they complete (each kind in order)."""
        return self.hdlc.feed(data) + self.mbus.feed(data)
