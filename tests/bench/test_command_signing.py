"""hanbench's signed commands: the signature the firmware checks, and a secret only from a file, env or stdin."""

import hashlib
import hmac

import pytest

from bench.command import SecretError, read_secret, sign_command


def test_the_signature_covers_topic_counter_and_command():
    payload = sign_command("k" * 16, "ams/cmd", 7, "config set mqtt_qos 1")
    expected = hmac.new(b"k" * 16, b"ams/cmd 7 config set mqtt_qos 1", hashlib.sha256).hexdigest()
    assert payload == f"signed 7 {expected} config set mqtt_qos 1"
    assert sign_command("k" * 16, "ams/cmd2", 7, "config set mqtt_qos 1") != payload


def test_a_counter_outside_the_firmwares_range_is_refused():
    with pytest.raises(SecretError, match="the counter must be from 1 to 4294967295, not 0"):
        sign_command("k" * 16, "t", 0, "reboot")


def test_the_secret_comes_from_exactly_one_place(tmp_path, monkeypatch):
    (tmp_path / "secret").write_text("s" * 20 + "\n")
    assert read_secret(file=tmp_path / "secret") == "s" * 20
    monkeypatch.setenv("READER_SECRET", "e" * 16)
    assert read_secret(env="READER_SECRET") == "e" * 16
    with pytest.raises(SecretError, match="give the command secret one way"):
        read_secret(file=tmp_path / "secret", env="READER_SECRET")
    with pytest.raises(SecretError, match="the environment variable MISSING holding the command secret is not set"):
        read_secret(env="MISSING")
    with pytest.raises(SecretError, match=r"cannot read the command secret from .*nothing: No such file"):
        read_secret(file=tmp_path / "nothing")


@pytest.mark.parametrize("secret", ["short", "x" * 65, " leading-space-secret", "tab\tinside-the-secret"])
def test_a_secret_the_firmware_would_refuse_is_refused_here(tmp_path, secret):
    (tmp_path / "secret").write_text(secret)
    with pytest.raises(SecretError, match="must be 16 to 64 printable characters without leading or trailing spaces"):
        read_secret(file=tmp_path / "secret")
