"""The settings file: versioned, checked by CRC, private, and readable by older and newer firmware."""

import stat

from tests.firmware.harness import start_rig
from tests.firmware.test_firmware_attacks import start_with_config


def saved_file(firmware_build, broker, tmp_path, *console_lines: str) -> str:
    """The settings file a reader writes after the console lines."""
    config = tmp_path / "reader.conf"
    config.write_text("# other=kept\nfuture_key=from a newer firmware\n")
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config))
    try:
        for line in console_lines:
            assert rig.reader.command(line)[0].startswith("ok"), line
    finally:
        assert rig.close() == 0
    assert stat.S_IMODE(config.stat().st_mode) == 0o600, oct(config.stat().st_mode)
    return config.read_text()


def test_a_saved_file_has_a_version_a_crc_and_the_unknown_keys(firmware_build, broker, tmp_path):
    text = saved_file(firmware_build, broker, tmp_path, "config set temperature 20.5")
    lines = text.splitlines()
    assert lines[0] == "# hanreader settings 1"
    assert "temperature=20.5" in lines and "future_key=from a newer firmware" in lines
    assert lines[-1].startswith("crc=") and text.endswith("\n")


def test_a_damaged_or_cut_file_is_refused_with_one_line(firmware_build, broker, tmp_path):
    text = saved_file(firmware_build, broker, tmp_path, "config set mqtt_qos 1")
    damaged = text.replace("mqtt_qos=1", "mqtt_qos=0").encode()
    done, _ = start_with_config(firmware_build, tmp_path, damaged)
    assert done.returncode == 2 and "its CRC does not match" in done.stderr, done
    cut = text[: text.index("crc=")].encode()
    done, _ = start_with_config(firmware_build, tmp_path, cut)
    assert done.returncode == 2 and "the settings file is cut short (no CRC line)" in done.stderr, done
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_value_is_kept_as_written(firmware_build, broker, tmp_path):
    config = tmp_path / "reader.conf"
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config))
    try:
        assert rig.reader.command("config set mqtt_password trailing ") == [
            "error: mqtt_password must not begin or end with a space (the value is taken as it is written)"
        ]
        assert rig.reader.command("config set mqtt_password in side") == ["ok mqtt_password=********"]
    finally:
        assert rig.close() == 0
    assert "mqtt_password=in side\n" in config.read_text()
