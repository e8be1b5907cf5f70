"""Security suite 0: our ciphering agrees with dlms-cosem, and a wrong key, tag or counter is refused with a reason."""

import pytest
from dlms_cosem.protocol.xdlms.data_notification import DataNotification
from dlms_cosem.protocol.xdlms.general_global_cipher import GeneralGlobalCipher
from dlms_cosem.security import SecurityControlField, encrypt
from dlms_cosem.utils import parse_as_dlms_data

from meter_profiles import get_profile
from simulator.codec import parse_frame
from simulator.codec.link import LinkDecoder, LinkEncoder, Tamper
from simulator.codec.lists import unscale
from simulator.codec.mbus import parse_mbus_frame
from simulator.codec.security import KeyRing, Keys, SecurityError, cipher_apdu, decipher_apdu, read_ciphered
from simulator.codec.segments import split_frames
from simulator.meter import Emission

from .link_support import ENCRYPTED, KEYS, RING, emissions


def _apdu(data: bytes) -> bytes:
    """The ciphered APDU in one list's line bytes (one HDLC frame, or M-Bus long frames)."""
    frames = split_frames(data)
    if data[0] == 0x68:
        return b"".join(parse_mbus_frame(frame).piece for frame in frames)
    assert len(frames) == 1
    return parse_frame(frames[0]).info[3:]


def _numbers(parsed) -> list[int]:
    return [value for value in parsed if isinstance(value, int)]


def _every_list(name: str) -> list:
    profile = get_profile(name)
    sent = emissions(profile, 400)
    firsts: dict[int, Emission] = {}
    for emission in sent:
        firsts.setdefault(emission.list_no, emission)
    assert set(firsts) == set(profile.lists)
    return [firsts[n] for n in sorted(firsts)]


@pytest.mark.parametrize("name", ENCRYPTED)
def test_dlms_cosem_agrees_with_our_encoder_on_every_encrypted_list(name):
    profile = get_profile(name)
    encoder, security = LinkEncoder(profile, KEYS), profile.security
    assert security is not None
    for emission in _every_list(name):
        encoded = encoder.encode(emission.list_no, emission.reading)
        ours = _apdu(encoded.data)
        theirs = GeneralGlobalCipher.from_bytes(ours)
        assert theirs.system_title == security.system_title
        assert theirs.invocation_counter == encoded.counter
        assert theirs.security_control.to_bytes()[0] == security.control
        plain = decipher_apdu(read_ciphered(ours), KEYS)
        # dlms-cosem ciphers the same plaintext to the same bytes: with its tag when authenticated;
        # without one, GCM's ciphertext does not depend on the tag, so the ciphertext alone must agree.
        sealed = encrypt(
            SecurityControlField(0, authenticated=True, encrypted=True),
            security.system_title,
            encoded.counter,
            KEYS.encryption,
            plain,
            KEYS.authentication,
        )
        if theirs.security_control.authenticated:
            assert theirs.ciphered_text == sealed
            assert theirs.to_plain_apdu(KEYS.encryption, KEYS.authentication) == plain
        else:
            assert theirs.ciphered_text == sealed[:-12]
        notification = DataNotification.from_bytes(plain)
        layout = profile.lists[emission.list_no]
        expected = [
            unscale(emission.reading[item.field], item.scaler)
            for item in layout.items
            if item.field and item.type not in ("octet-string", "visible-string", "date-time")
        ]
        assert _numbers(parse_as_dlms_data(notification.body)) == expected


@pytest.mark.parametrize("name", ENCRYPTED)
def test_encrypted_lists_decode_with_the_right_key(name):
    profile = get_profile(name)
    encoder, decoder = LinkEncoder(profile, KEYS), LinkDecoder(keys=RING)
    for emission in _every_list(name):
        readings = [
            decoder.feed(frame) for frame in split_frames(encoder.encode(emission.list_no, emission.reading).data)
        ]
        reading, security = readings[-1], profile.security
        assert reading is not None and security is not None
        assert reading["meter"] == name and reading["list"] == emission.list_no
        assert {key: reading[key] for key in emission.reading} == emission.reading
        assert reading["security"]["system_title"] == security.system_title.hex().upper()


WRONG = Keys(bytes(16), bytes(16))


@pytest.mark.parametrize(
    "name, reason",
    [
        ("kamstrup-omnipower-dk", "the authentication tag does not verify"),
        ("kaifa-ma309m-at", "the deciphered list does not parse .*is the encryption key right"),
    ],
)
def test_a_wrong_key_is_refused_with_a_reason(name, reason):
    profile = get_profile(name)
    emission = _every_list(name)[0]
    data = LinkEncoder(profile, KEYS).encode(emission.list_no, emission.reading).data
    decoder = LinkDecoder(keys=KeyRing(default=WRONG))
    with pytest.raises(SecurityError, match=reason):
        for frame in split_frames(data):
            decoder.feed(frame)


def test_a_frame_with_no_key_given_says_so():
    emission = _every_list("kamstrup-omnipower-dk")[0]
    data = LinkEncoder(get_profile("kamstrup-omnipower-dk"), KEYS).encode(emission.list_no, emission.reading).data
    with pytest.raises(SecurityError, match="encrypted .*system title 4B414D4501234567.* no key was given"):
        LinkDecoder().feed(data)


def test_a_flipped_tag_bit_and_a_stale_counter_are_refused():
    profile = get_profile("kamstrup-omnipower-dk")
    encoder, decoder = LinkEncoder(profile, KEYS), LinkDecoder(keys=RING)
    first, second, third = (e for e in emissions(profile, 3))
    reading = decoder.feed(encoder.encode(first.list_no, first.reading).data)
    assert reading is not None and reading["security"]["frame_counter"] == 1
    with pytest.raises(SecurityError, match="frame counter 2: the authentication tag does not verify"):
        decoder.feed(encoder.encode(second.list_no, second.reading, Tamper(bad_tag=True)).data)
    replay = encoder.encode(third.list_no, third.reading, Tamper(counter_back=2))
    assert replay.stale and replay.counter == 1
    with pytest.raises(SecurityError, match="frame counter 1 is not above the last accepted 1 .*meter was reset"):
        decoder.feed(replay.data)


def test_keys_never_show_in_a_repr_or_a_message():
    shown = repr(KEYS) + repr(RING.default)
    assert KEYS.encryption.hex() not in shown.lower() and "0x00, 0x01" not in shown
    with pytest.raises(ValueError, match="must be 16 bytes .*not 3") as caught:
        Keys(b"abc")
    assert "abc" not in str(caught.value)


def test_an_authenticated_meter_needs_an_authentication_key():
    with pytest.raises(SecurityError, match="needs an authentication key"):
        cipher_apdu(b"\x0f", bytes(8), 0x30, 1, Keys(bytes(16)))
