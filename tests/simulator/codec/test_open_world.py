"""Frames of models no profile knows decode with the right values and `meter` = `<make>-unknown`;
a line's bytes are a stream, so stray bytes are a warning and two frames give two results."""

import json

import pytest

from meter_profiles import bundled_profiles, get_profile
from simulator.codec import FrameDecoder, FrameError, encode_frame, frames_in
from tests.oracles import REFERENCE
from tests.simulator.codec.variants import sample_reading, variants

VARIANTS = {variant.name: variant for variant in variants()}
KAMSTRUP = bytes.fromhex(REFERENCE["kamstrup-l2-hourly"]["hex"])


def test_every_layout_has_variants_of_every_kind():
    kinds = {name.rsplit("-l", 1)[1].split("-", 1)[1] for name in VARIANTS}
    assert kinds == {"other-type", "other-version", "extra-obis", "reordered", "missing-obis"}
    assert {name.split("-")[0] for name in VARIANTS} == {"kaifa", "kamstrup", "aidon"}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_variant_decodes_with_its_values_and_meter(name):
    variant = VARIANTS[name]
    decoded = FrameDecoder(remember=False).decode(variant.frame)
    assert decoded.pop("meter") == variant.meter
    assert decoded.pop("list") in (1, 2, 3)
    expected = dict(variant.reading)
    assert decoded.pop("extra", {}) == pytest.approx(expected.pop("extra", {}))
    assert decoded == pytest.approx(expected)


def test_the_kamstrup_three_phase_model_no_profile_had_decodes_as_sent():
    """6841131, same layout as 6841121: without a profile of its own it is kamstrup-unknown, never refused."""
    profile = get_profile("kamstrup-6841121")
    reading = {**sample_reading(profile, 2), "meter_type": "6841131BN243101040"}
    without = {n: p for n, p in bundled_profiles().items() if "6841131" not in n}
    decoded = FrameDecoder(without).decode(encode_frame(profile, 2, reading))
    assert decoded.pop("meter") == "kamstrup-unknown" and decoded.pop("list") == 2
    assert decoded == pytest.approx(reading)


def test_a_good_frame_between_stray_bytes_is_found_with_a_warning():
    found = frames_in(b"\x00\x13" + KAMSTRUP + b"\xff")
    assert len(found.frames) == 1
    assert found.warning() == "2 stray bytes before the first frame; 1 stray byte after the frame"


def test_two_frames_on_a_line_are_two_frames():
    found = frames_in(KAMSTRUP + KAMSTRUP[1:])  # the second shares the first one's closing flag
    assert len(found.frames) == 2 and found.warning() is None


def test_a_line_with_no_good_frame_says_why_the_candidate_fails():
    with pytest.raises(FrameError, match="bad FCS"):
        frames_in(b"\x00" + KAMSTRUP[:-3] + b"\x00\x00\x7e")


def test_decode_reports_stray_bytes_as_a_warning_and_two_frames_as_two_results():
    from click.testing import CliRunner

    from bench.cli import cli

    lines = [(KAMSTRUP + b"\x00").hex(), (KAMSTRUP + KAMSTRUP).hex()]
    result = CliRunner().invoke(cli, ["decode", "--json", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    decoded = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(decoded) == 3
    assert decoded[0]["warning"] == "line 1: 1 stray byte after the frame"
    assert all("warning" not in d for d in decoded[1:]) and decoded[2]["meter"] == "kamstrup-6841121"


def test_the_readable_table_shows_an_unknown_model_its_type_and_its_extra_codes():
    from click.testing import CliRunner

    from bench.cli import cli

    variant = VARIANTS["kamstrup-6841121-l2-extra-obis"]
    result = CliRunner().invoke(cli, ["decode", "-"], input=variant.frame.hex() + "\n")
    assert result.exit_code == 0, result.output
    row = result.stdout.splitlines()[1]
    assert "kamstrup-unknown" in row and "6841121BN243101040" in row and row.endswith(", 1.1.13.7.0.255 950")
