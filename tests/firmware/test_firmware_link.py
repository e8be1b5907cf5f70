"""The host firmware reads the meters beyond Norway over a pty: it deciphers suite 0 (with and
without a tag), joins segmented HDLC and M-Bus long frames, refuses a wrong key, no key and a
stale counter, and counts each refusal in status. Keys reach it through its settings file or
its console, never argv, and never come back out."""

import uuid

import pytest

from meter_profiles import get_profile
from simulator.codec.link import LinkDecoder, LinkEncoder, Tamper
from simulator.codec.security import Keys
from simulator.codec.segments import build_segmented, split_frames
from tests.firmware.harness import expected_document, found, start_rig
from tests.firmware.test_firmware_frames import assert_same_document
from tests.firmware.test_firmware_portal import exchange
from tests.firmware.test_firmware_portal_requests import post
from tests.firmware.test_firmware_replies import Console
from tests.simulator.codec.link_support import KEYS, RING, emissions

NEW_METERS = ["kamstrup-omnipower-dk", "aidon-6534-se", "kaifa-ma309m-at"]
KEY_HEX, AUTH_KEY_HEX = KEYS.encryption.hex().upper(), KEYS.authentication.hex()
WRONG = Keys(bytes(b ^ 0x5A for b in KEYS.encryption), bytes(b ^ 0x5A for b in KEYS.authentication))
LINK_COUNTS = ["segments_lost", "list_too_long", "no_key", "wrong_tag", "stale_counter", "undecodable"]


def keyed_rig(firmware_build, broker, tmp_path, keys: Keys | None = KEYS):
    """A rig whose settings file holds the meter keys (mode 600, as the bench writes it)."""
    config = tmp_path / "reader.conf"
    lines = [f"meter_key={keys.encryption.hex()}", f"meter_auth_key={keys.authentication.hex()}"] if keys else []
    config.write_text("".join(f"{line}\n" for line in lines))
    config.chmod(0o600)
    return start_rig(firmware_build, broker, tmp_path, "--config", str(config))


def status(rig) -> dict[str, str]:
    """The reader's status line as a dict."""
    (line,) = rig.reader.command("status")
    return dict(pair.split("=") for pair in line.split()[1:])


def link_counts(rig) -> dict[str, int]:
    """The refusal counters of the status line."""
    now = status(rig)
    return {key: int(now[key]) for key in LINK_COUNTS}


def counted(**nonzero: int) -> dict[str, int]:
    """The refusal counters with these set and every other at zero."""
    return {key: nonzero.get(key, 0) for key in LINK_COUNTS}


def line_bytes(name: str, count: int, tampers: dict[int, Tamper] | None = None, keys: Keys = KEYS) -> list[bytes]:
    """The line bytes of the meter's first `count` lists, the given ones tampered as a fault plan would."""
    encoder = LinkEncoder(get_profile(name), keys)
    return [
        encoder.encode(e.list_no, e.reading, (tampers or {}).get(n)).data
        for n, e in enumerate(emissions(get_profile(name), count))
    ]


def decoded(data: bytes, decoder: LinkDecoder) -> dict:
    """The reading the Python link decoder makes of one list's line bytes."""
    reading = [decoder.feed(frame) for frame in split_frames(data)][-1]
    assert reading is not None, "the last frame did not complete a list"
    return reading


@pytest.mark.parametrize("name", NEW_METERS)
def test_each_new_meter_publishes_every_list_it_sends(firmware_build, broker, tmp_path, name):
    rig = keyed_rig(firmware_build, broker, tmp_path)
    decoder = LinkDecoder(keys=RING)
    try:
        sent = line_bytes(name, 6)
        for n, data in enumerate(sent):
            document = rig.publishes(data, f"{name} list {n}")
            assert_same_document(document["data"], expected_document(decoded(data, decoder)), f"{name} list {n}")
        now = status(rig)
        assert (now["lists"], now["published"]) == ("6", "6"), now
        assert link_counts(rig) == counted()
        assert KEY_HEX.lower() not in rig.reader.log_text().lower()
    finally:
        assert rig.close() == 0


@pytest.mark.parametrize(
    ("name", "refusal"), [("kamstrup-omnipower-dk", "wrong_tag"), ("kaifa-ma309m-at", "undecodable")]
)
def test_a_wrong_key_is_refused_and_counted(firmware_build, broker, tmp_path, name, refusal):
    """Authenticated: the tag does not verify. Encryption only: the deciphered noise does not decode."""
    rig = keyed_rig(firmware_build, broker, tmp_path, WRONG)
    try:
        rig.line.write(b"".join(line_bytes(name, 3)))
        rig.reader.wait_log("bytes refused" if refusal == "wrong_tag" else "is meter_key right?", 5)
        assert rig.watcher.drain(quiet=0.5) == []
        rig.reader.wait_log("list of", 5)
        assert link_counts(rig) == counted(**{refusal: 3})
    finally:
        assert rig.close() == 0


def test_a_ciphered_list_with_no_key_set_is_refused_and_counted(firmware_build, broker, tmp_path):
    rig = keyed_rig(firmware_build, broker, tmp_path, None)
    try:
        rig.line.write(b"".join(line_bytes("kamstrup-omnipower-dk", 2)))
        rig.reader.wait_log("ciphered and no key is set", 5)
        assert rig.watcher.drain(quiet=0.5) == []
        assert link_counts(rig) == counted(no_key=2)
    finally:
        assert rig.close() == 0


def test_a_replayed_or_reset_frame_counter_is_refused_until_it_passes_the_last(firmware_build, broker, tmp_path):
    # Counters 1, 2, then a meter reset (2 back): 1, 2, 3.
    first, second, reset, reset_again, passing = line_bytes("kamstrup-omnipower-dk", 5, {2: Tamper(counter_back=2)})
    rig = keyed_rig(firmware_build, broker, tmp_path)
    try:
        rig.publishes(first, "list 1 (counter 1)")
        rig.publishes(second, "list 2 (counter 2)")
        rig.line.write(second + reset + reset_again)  # a replay of counter 2, then counters 1 and 2 again
        rig.reader.wait_log("frame counter not above the last accepted", 5)
        assert rig.watcher.drain(quiet=0.5) == []
        assert link_counts(rig) == counted(stale_counter=3)
        rig.publishes(passing, "counter 3, above the last accepted")
    finally:
        assert rig.close() == 0


def test_a_segmented_list_that_lost_its_last_piece_is_counted_and_the_next_one_joins(firmware_build, broker, tmp_path):
    rig = keyed_rig(firmware_build, broker, tmp_path)
    decoder = LinkDecoder(keys=RING)
    cut, whole = line_bytes("aidon-6534-se", 2)
    pieces = split_frames(cut)
    assert len(pieces) > 2
    try:
        rig.line.write(b"".join(pieces[:-1]))
        document = rig.publishes(whole, "the list after the one cut short")
        assert_same_document(document["data"], expected_document(decoded(whole, decoder)), "the next list")
        assert link_counts(rig) == counted(segments_lost=1)
    finally:
        assert rig.close() == 0


def test_a_joined_list_longer_than_the_buffer_is_refused_and_counted(firmware_build, broker, tmp_path):
    profile = get_profile("aidon-6534-se")
    hdlc = profile.hdlc
    too_long = build_segmented(hdlc.dst, hdlc.src, hdlc.control[0], b"\xe6\xe7\x00\x0f" + bytes(1200), 128)
    rig = keyed_rig(firmware_build, broker, tmp_path)
    try:
        rig.line.write(too_long)
        (one,) = line_bytes("aidon-6534-se", 1)
        rig.publishes(one, "a list after the one too long")
        assert link_counts(rig) == counted(list_too_long=1)
        assert status(rig)["decode_errors"] == "0"  # the rest of the list too long was dropped, not decoded
    finally:
        assert rig.close() == 0


def test_meter_keys_are_set_on_the_console_masked_and_refused_over_mqtt(firmware_build, broker, tmp_path):
    commands = f"hanbench/{uuid.uuid4().hex[:8]}"
    secret = uuid.uuid4().hex
    rig = keyed_rig(firmware_build, broker, tmp_path, None)
    console = Console(broker.port, commands, secret)
    try:
        for command in (f"config set command_topic {commands}", f"config set command_secret {secret}"):
            assert rig.reader.command(command)[0].startswith("ok ")
        assert rig.reader.command("config set meter_key 00112233") == [
            "error: meter_key must be empty or 32 to 32 characters, not 8"
        ]
        assert rig.reader.command("config set meter_key " + "g" * 32) == [
            "error: meter_key must be 32 hex digits (the meter's 16-byte key), or empty for none"
        ]
        assert rig.reader.command(f"config set meter_key {KEY_HEX}") == ["ok meter_key=********"]
        assert rig.reader.command(f"config set meter_auth_key {AUTH_KEY_HEX}") == ["ok meter_auth_key=********"]
        assert rig.reader.command("config get meter_key") == ["meter_key=********"]
        rig.publishes(line_bytes("kamstrup-omnipower-dk", 1)[0], "a list deciphered with the console's keys")
        for key in ("meter_key", "meter_auth_key"):
            refused = [f"error: {key} is set only on the serial console or in the portal"]
            assert console.ask_signed(f"config set {key} {'1' * 32}") == refused
            assert console.ask(f"config set {key} {'1' * 32}")[0].startswith(
                "error: config set over MQTT needs a signed"
            )
        assert console.ask("config get meter_auth_key") == ["meter_auth_key=********"]
        log = rig.reader.log_text()
        assert KEY_HEX.lower() not in log.lower() and AUTH_KEY_HEX not in log.lower() and "1" * 32 not in log
    finally:
        console.replies.stop()
        assert rig.close() == 0


def test_meter_keys_set_in_the_portal_decipher_and_never_come_back_to_the_browser(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(tmp_path / "reader.conf"), "--portal-port", "0")
    url = found(r"portal listening on (http://\S+)", rig.reader.log_text())[1]
    try:
        bad = b"mqtt_host=127.0.0.1&meter_key=" + b"z" * 32
        head, page = exchange(url, post(bad))
        assert b"meter_key must be 32 hex digits" in page, head + page
        form = f"mqtt_host=127.0.0.1&meter_key={KEY_HEX}&meter_auth_key={AUTH_KEY_HEX}".encode()
        assert exchange(url, post(form))[0].startswith(b"HTTP/1.1 200 OK")
        rig.publishes(line_bytes("kamstrup-omnipower-dk", 1)[0], "a list deciphered with the portal's keys")
        _, page = exchange(url, b"GET / HTTP/1.1\r\n\r\n")
        assert b'name="meter_key"' in page and b'name="clear_meter_key"' in page
        assert KEY_HEX.encode() not in page.upper() and AUTH_KEY_HEX.encode() not in page.lower()
    finally:
        assert rig.close() == 0
