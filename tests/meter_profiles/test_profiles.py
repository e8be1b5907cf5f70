"""The bundled profiles load, say what HAN-FACTS says, and a bad file is refused by name."""

from pathlib import Path

import pytest

from meter_profiles import PROFILE_DIR, ProfileError, bundled_profiles, get_profile, load_profile
from simulator.codec.lists import compiled

EXPECTED = {
    # name: (serial, {list: A-XDR element count of the list body})
    "kaifa-ma304h3e": ("8E1", {1: 1, 2: 13, 3: 18}),
    "kaifa-ma304h4": ("8E1", {1: 1, 2: 13, 3: 18}),
    "kaifa-ma304t4": ("8E1", {1: 1, 2: 13, 3: 18}),
    "kaifa-ma105h2e": ("8E1", {1: 1, 2: 9, 3: 14}),
    "kamstrup-6841121": ("8N1", {2: 25, 3: 35}),
    "kamstrup-6841121-u1": ("8N1", {2: 25, 3: 35}),
    "kamstrup-6841131": ("8N1", {2: 25, 3: 35}),
    "kamstrup-6841131-u1": ("8N1", {2: 25, 3: 35}),
    "kamstrup-6861111": ("8N1", {2: 25, 3: 35}),
    "aidon-6515": ("8E1", {1: 1, 2: 9, 3: 14}),
    "aidon-6525": ("8E1", {1: 1, 2: 12, 3: 17}),
    "aidon-6534": ("8E1", {1: 1, 2: 13, 3: 18}),
}


# Beyond Norway: name -> (baud, serial, transport, security mode, {list: items}).
BEYOND_NORWAY = {
    "kamstrup-omnipower-dk": (2400, "8N1", "hdlc", "authenticated-encryption", {2: 25, 3: 35}),
    "aidon-6534-se": (115200, "8N1", "hdlc", None, {3: 18}),
    "kaifa-ma309m-at": (2400, "8E1", "mbus", "encryption", {3: 18}),
}


def test_every_model_of_the_issue_is_bundled():
    assert set(bundled_profiles()) == set(EXPECTED) | set(BEYOND_NORWAY)


@pytest.mark.parametrize("name", sorted(BEYOND_NORWAY))
def test_profiles_beyond_norway_say_how_they_reach_the_line(name):
    profile = get_profile(name)
    baud, serial, transport, mode, sizes = BEYOND_NORWAY[name]
    assert (profile.serial.baud, profile.serial.name, profile.transport.kind) == (baud, serial, transport)
    assert (profile.security.mode if profile.security else None) == mode
    counts = {
        n: compiled(layout).element_count if layout.layout == "obis-pairs" else len(layout.items)
        for n, layout in profile.lists.items()
    }
    assert counts == sizes
    # Each says where its facts come from, in its opening comment.
    assert "Sources:" in (PROFILE_DIR / f"{name}.toml").read_text().split("\nname =")[0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_serial_settings_and_list_sizes_follow_han_facts(name):
    profile = get_profile(name)
    serial, sizes = EXPECTED[name]
    assert profile.serial.name == serial and profile.serial.baud == 2400
    element_counts = {n: compiled(layout).element_count for n, layout in profile.lists.items()}
    if profile.lists[max(sizes)].layout != "obis-pairs":
        element_counts = {n: len(layout.items) for n, layout in profile.lists.items()}
    assert element_counts == sizes


def test_byte_time_is_eleven_bits_at_8e1_and_ten_at_8n1():
    assert get_profile("kaifa-ma304h3e").serial.byte_time == pytest.approx(11 / 2400)
    assert get_profile("kamstrup-6841121").serial.byte_time == pytest.approx(10 / 2400)


def test_unknown_name_suggests_close_names():
    with pytest.raises(
        ProfileError, match=r"unknown meter 'kaifa-ma304': did you mean kaifa-ma304t4, kaifa-ma304h4, kaifa-ma304h3e"
    ):
        get_profile("kaifa-ma304")


GOOD = (PROFILE_DIR / "kaifa-ma304h3e.toml").read_text()

BAD_EDITS = [
    # (what to replace, with what, the message the loader must give)
    ('parity = "E"', 'parity = "X"', r"serial\.parity: Input should be 'N', 'E' or 'O'"),
    (
        'field = "current_l2"',
        'field = "current_2"',
        r"lists\.2\.items\.8\.field: .*must be a canonical field name, not 'current_2'",
    ),
    ('dst = "01"', 'dst = "02"', r"hdlc\.dst: .*low bit"),
    ('invoke_id = "40 00 00 00"', 'invoke_id = "40 00"', r"apdu\.invoke_id: .*must be 4 bytes, not 2"),
    ('zone = "Europe/Oslo"\n', "", r"clock: .*a local clock needs zone"),
    ("period_s = 3600", "period_s = -1", r"schedule\.2\.period_s: Input should be greater than 0"),
    ("baud = 2400", "baud = 2400\nspeed = 9600", r"serial: unknown key 'speed': remove it \(the keys there: baud, "),
    (
        'name = "kaifa-ma304h3e"',
        'name = "kaifa-other"',
        r"name: must be the file's name 'kaifa-ma304h3e', not 'kaifa-other'",
    ),
    ("[lists.3]", "[lists.4]", r"list numbers must be 1, 2 or 3, not \[4\]"),
    ('type = "date-time"', 'type = "double-long-unsigned"', r"lists\.3\.items\.13: .*meter_time is text"),
    ('make = "kaifa"', 'make = "kaifa', r"not valid TOML"),
]


@pytest.mark.parametrize(
    "old, new, message", BAD_EDITS, ids=[edit[0].split()[0] + "->" + edit[1][:12] for edit in BAD_EDITS]
)
def test_a_bad_file_is_refused_with_file_field_and_problem(tmp_path: Path, old, new, message):
    assert old in GOOD
    path = tmp_path / "kaifa-ma304h3e.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(ProfileError, match=message) as caught:
        load_profile(path)
    assert str(caught.value).startswith(str(path) + ": ")
    assert "\n" not in str(caught.value)


def test_adding_a_model_is_adding_a_file(tmp_path: Path):
    (tmp_path / "kaifa-ma304h3e-test.toml").write_text(
        GOOD.replace('name = "kaifa-ma304h3e"', 'name = "kaifa-ma304h3e-test"')
    )
    from meter_profiles import load_profiles

    assert list(load_profiles(tmp_path)) == ["kaifa-ma304h3e-test"]


def test_a_profile_file_is_taken_by_path_wherever_a_name_is(tmp_path):
    text = (PROFILE_DIR / "kaifa-ma304t4.toml").read_text().replace('"kaifa-ma304t4"', '"my-meter"')
    (tmp_path / "my-meter.toml").write_text(text)
    assert get_profile(str(tmp_path / "my-meter.toml")).model == "MA304T4"
    with pytest.raises(ProfileError, match="cannot read"):
        get_profile(str(tmp_path / "missing.toml"))
