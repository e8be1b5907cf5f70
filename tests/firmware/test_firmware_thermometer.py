"""The core's thermometer cadence, through the host's w1-therm thermometer: read at start, then every 10 s."""

import time

from tests.firmware.harness import start_rig
from tests.firmware.test_firmware_console import KAIFA_L3

READ_EVERY_S = 10.0
# The next read after the sensor changed, then a list through the broker: seconds on two busy cores.
NEW_READING_MARGIN_S = 20.0


def test_the_thermometer_is_read_at_start_and_then_every_ten_seconds(firmware_build, broker, tmp_path):
    sensor = tmp_path / "temperature"
    sensor.write_text("21375\n")  # w1-therm: millidegrees
    # Stamped before the reader starts: its first read comes after this, so its next one is at least 10 s after.
    started = time.monotonic()
    rig = start_rig(firmware_build, broker, tmp_path, "--thermometer", str(sensor), "--temperature", "5")
    try:
        assert rig.publishes(KAIFA_L3, "a list with the measured temperature")["data"]["temp"] == 21.37
        sensor.write_text("19000\n")
        changed = time.monotonic()
        while (temp := rig.publishes(KAIFA_L3, "a list after the sensor changed")["data"]["temp"]) == 21.37:
            assert time.monotonic() - changed < READ_EVERY_S + NEW_READING_MARGIN_S, "the new reading never came"
            time.sleep(0.5)
        assert temp == 19 and time.monotonic() - started >= READ_EVERY_S, (temp, time.monotonic() - started)
    finally:
        assert rig.close() == 0


def test_an_unplugged_sensor_leaves_the_configured_temperature(firmware_build, broker, tmp_path):
    rig = start_rig(firmware_build, broker, tmp_path, "--thermometer", str(tmp_path / "absent"), "--temperature", "5")
    try:
        assert rig.publishes(KAIFA_L3, "a list with the configured temperature")["data"]["temp"] == 5
    finally:
        assert rig.close() == 0
