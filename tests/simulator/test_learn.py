"""`profiles learn`: a profile learned from a capture reads that whole capture and re-encodes it byte for byte,
and from a simulated meter's capture it gives back the meter's own layout and schedule."""

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.cli import cli
from meter_profiles import Profile, bundled_profiles, load_profile
from simulator.capture import format_frame_line, learn_profile, read_capture
from simulator.codec import FrameDecoder, encode_frame
from simulator.meter import Meter, MeterClock
from simulator.readings.scenario import load_scenario

CAPTURES = sorted((Path(__file__).parents[2] / "captures").glob("*.log"))
PROFILES = bundled_profiles()


def simulated_capture(profile: Profile, path: Path, seconds: float = 3630) -> Path:
    """A capture file of the profile's simulated meter: two hourly lists, host receive times at each frame's end."""
    clock = MeterClock.starting_at(profile.clock, "2026-11-23T11:59:50")
    scenario = load_scenario("household-day")
    meter = Meter(profile, scenario.source(profile.phases, round(clock.start_utc.timestamp() * 1000)), clock)
    lines = [f"# {profile.description}, {profile.serial.baud} {profile.serial.name} (simulated)"]
    while (emission := meter.next_emission()).elapsed <= seconds:
        frame = encode_frame(profile, emission.list_no, emission.reading)
        received = clock.wall(emission.elapsed) + timedelta(seconds=len(frame) * profile.serial.byte_time)
        lines.append(format_frame_line(received, frame))
    path.write_text("\n".join(lines) + "\n")
    return path


def _on_the_wire(profile: Profile) -> dict:
    """Each list's layout as its frames show it: a null placeholder shows no field, type or code."""
    return {
        n: (layout.layout, [("null",) if item.placeholder else item for item in layout.items])
        for n, layout in profile.lists.items()
    }


@pytest.mark.parametrize("capture", CAPTURES, ids=[c.stem for c in CAPTURES])
def test_a_profile_learned_from_a_capture_reads_it_whole_and_rebuilds_every_frame(capture, tmp_path):
    out = tmp_path / "learned-meter.toml"
    result = CliRunner().invoke(cli, ["profiles", "learn", str(capture), "-o", str(out)])
    assert result.exit_code == 0, result.output
    learned = load_profile(out)
    decoder = FrameDecoder({learned.name: learned})
    for number, captured in enumerate(read_capture(capture).frames, start=1):
        reading = decoder.decode(captured.frame)
        assert reading["meter"] == "learned-meter", f"frame {number}"
        assert encode_frame(learned, reading["list"], reading) == captured.frame, f"frame {number}"


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_simulated_meter_s_capture_gives_back_its_layout_and_schedule(name, tmp_path):
    profile = PROFILES[name]
    learned = Profile.model_validate(learn_profile(read_capture(simulated_capture(profile, tmp_path / "sim.log"))).data)
    assert _on_the_wire(learned) == _on_the_wire(profile)
    assert sorted(learned.schedule, key=lambda s: s.list) == sorted(profile.schedule, key=lambda s: s.list)
    assert (learned.serial, learned.hdlc, learned.apdu, learned.identity) == (
        profile.serial,
        profile.hdlc,
        profile.apdu,
        profile.identity,
    )
    assert learned.clock.model_dump(exclude={"kind", "zone", "utc_offset_minutes"}) == profile.clock.model_dump(
        exclude={"kind", "zone", "utc_offset_minutes"}
    )


def test_a_capture_with_no_decodable_frame_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "bad.log"
    bad.write_text("-\t7EA0\n")
    result = CliRunner().invoke(cli, ["profiles", "learn", str(bad)])
    assert result.exit_code == 1 and "no frame in it decodes" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["kamstrup-6841121", "aidon-6534"])
def test_a_meter_with_an_obis_code_no_field_has_is_learned_with_it_and_rebuilt_byte_for_byte(name, tmp_path):
    """Every frame carries an extra code (power factor); the learned profile sends it and decodes it under extra."""
    from tests.simulator.codec.variants import extra_obis_frame

    plain = read_capture(simulated_capture(PROFILES[name], tmp_path / "sim.log", seconds=120))
    lines = [format_frame_line(f.received, extra_obis_frame(f.frame)) for f in plain.frames]
    capture = tmp_path / "extra.log"
    capture.write_text("\n".join([f"# {plain.comments[0]}", *lines]) + "\n")
    learned = Profile.model_validate(learn_profile(read_capture(capture), "with-extra").data)
    decoder = FrameDecoder({learned.name: learned})
    for captured in read_capture(capture).frames:
        reading = decoder.decode(captured.frame)
        assert reading["meter"] == "with-extra" and "1.1.13.7.0.255" in reading["extra"]
        assert encode_frame(learned, reading["list"], reading) == captured.frame
