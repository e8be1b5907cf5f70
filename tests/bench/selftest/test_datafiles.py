"""The limits and burst files: validated on load, and the frames they make are the readings they carry."""

import pytest
from openhtf.util import units

from bench.selftest.burst import bad_fcs_frames, corrupt_fcs, make_frames
from bench.selftest.datafiles import load_burst, load_limits
from bench.selftest.errors import LimitsError
from simulator.codec import HdlcDeframer, decode_frame


def test_limits_give_measurements_with_units_and_marginal_bands():
    limits = load_limits()
    latency = limits.measurement("han_kaifa_latency_s")
    assert latency.units == units.SECOND
    assert str(latency.validators[0]) == "0.0 <= x <= Marginal:0.5 <= 1.0"
    assert limits.measurement("board_temperature").units == units.DEGREE_CELSIUS


def test_a_measurement_without_a_limit_names_the_fix():
    with pytest.raises(LimitsError, match=r"no limit for 'nonsense'; add \[measurements.nonsense\]"):
        load_limits().measurement("nonsense")


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "[measurements.x]\nmin = 0\nequals = '1'\n",
            "measurements.x: Value error, give exactly one of min/max, equals or regex",
        ),
        (
            "[measurements.x]\nmax = 1\nunits = 'parsec'\n",
            "units must be an OpenHTF unit suffix such as s, °C or 1, not 'parsec'",
        ),
        ("[measurements.x\n", "not valid TOML"),
        ("[measurements.x]\nmin = 0\nmax = nan\n", "measurements.x.max: must be a finite number, not nan or inf"),
        ("[measurements.x]\nmin = -inf\nmax = 1\n", "measurements.x.min: must be a finite number, not nan or inf"),
        ("[measurements.x]\nmax = 1\nmaxx = 2\n", "measurements.x: unknown key 'maxx': did you mean max"),
    ],
)
def test_a_bad_limits_file_is_refused_in_one_line(tmp_path, body, message):
    path = tmp_path / "limits.toml"
    station = "[station]\nfirmware_version='0.1.0'\nhost_temperature_c=20\nboot_timeout_s=1\nhello_timeout_s=1\npublish_timeout_s=1\n"
    path.write_text(station + body)
    with pytest.raises(LimitsError) as error:
        load_limits(path)
    assert message in str(error.value) and str(path) in str(error.value) and "\n" not in str(error.value)


def test_every_burst_frame_decodes_to_the_reading_behind_it():
    for make in load_burst().make:
        frames = make_frames(make)
        assert frames, make.name
        for frame in frames:
            decoded = decode_frame(frame.data)
            meter, list_no = decoded.pop("meter"), decoded.pop("list")
            # A list 1 names no model: a lone one is credited to the make's first profile.
            assert (meter if list_no > 1 else meter.split("-")[0], list_no) == (
                frame.meter if list_no > 1 else make.name,
                frame.list_no,
            )
            assert {k: v for k, v in decoded.items() if k in frame.reading} == frame.reading


def test_the_makes_go_out_at_their_own_serial_settings():
    serial = {make.name: make_frames(make)[0].serial for make in load_burst().make}
    assert serial == {"kaifa": "8E1", "kamstrup": "8N1", "aidon": "8E1"}


def test_the_corrupted_frame_is_dropped_by_a_deframer_and_the_clean_one_is_not():
    bad, good = bad_fcs_frames(load_burst())
    deframer = HdlcDeframer()
    assert deframer.feed(bad.data + good.data) == [good.data]
    assert deframer.stats.bad_crc == 1
    assert bad.reading["active_power_import"] != good.reading["active_power_import"]


def test_corrupting_the_fcs_never_makes_a_flag():
    frame = bytes.fromhex("7ea0") + b"\x00" * 5 + bytes((0x81, 0x12, 0x7E))
    assert corrupt_fcs(frame)[-3] != 0x7E
