"""Capturing and replaying encrypted and segmented meters: named with their keys, recorded ciphered
without them, detected at their own rate, replayed with the keys deciphering the sent log's readings."""

import threading

import pytest

from meter_profiles import get_profile
from simulator.capture import read_capture, record, replay_capture
from simulator.run import SentLog, run_meter
from tests.simulator.codec.link_support import KEYS, RING

from .support import MemoryLine, private_pty


def _capture(meter: str, out, keys, frames: int = 8) -> tuple[int, list[str]]:
    profile = get_profile(meter)
    sent, stop = SentLog(), threading.Event()
    with private_pty(profile.serial, drop_when_full=True) as line:
        meter_thread = threading.Thread(
            target=run_meter,
            args=(profile, line),
            kwargs=dict(scenario="fixed", warp=100, sent_log=sent, stop=stop, byte_pacing=False, keys=KEYS),
            daemon=True,
        )
        meter_thread.start()
        count = record(line.reader_path, out, max_frames=frames, window_s=5, keys=keys)
        stop.set()
        meter_thread.join(5)
    return count, [e["frame"] for e in sent.entries]


@pytest.mark.parametrize(
    "meter, keys, first_line",
    [
        (
            "kamstrup-omnipower-dk",
            RING,
            "Kamstrup Omnipower three-phase, Denmark: encrypted push (suite 0, authenticated), 2400 8N1 (detected)",
        ),
        (
            "kamstrup-omnipower-dk",
            None,
            "an encrypted meter, system title 4B414D4501234567 (no keys given), 2400 8E1 (detected)",
        ),
        (
            "kaifa-ma309m-at",
            RING,
            "Kaifa MA309M, three-phase, Austria: encrypted (suite 0, encryption only) in M-Bus long frames "
            "every 5 s, 2400 8E1 (detected)",
        ),
        (
            "kaifa-ma309m-at",
            None,
            "an encrypted meter, system title 4B464D1020001234 (no keys given), 2400 8E1 (detected)",
        ),
        (
            "aidon-6534-se",
            None,
            "Aidon 6534, three-phase, Sweden: one long list every 10 s in segmented HDLC frames, 115200 8N1, "
            "115200 8N1 (detected)",
        ),
    ],
)
def test_a_capture_names_what_it_can_and_records_every_frame(tmp_path, meter, keys, first_line):
    out = tmp_path / "capture.log"
    count, sent = _capture(meter, out, keys)
    capture = read_capture(out)
    assert count == len(capture.frames) == 8
    assert capture.comments[0] == first_line
    recorded = "".join(f.frame.hex().upper() for f in capture.frames)
    assert recorded in "".join(sent)  # the frames as they came, pieces and ciphertext included


def test_an_encrypted_capture_replays_with_its_keys_deciphering_the_sent_log(tmp_path):
    out = tmp_path / "capture.log"
    _capture("kamstrup-omnipower-dk", out, RING, frames=4)
    profile = get_profile("kamstrup-omnipower-dk")
    capture, log = read_capture(out), SentLog()
    replay_capture(capture, MemoryLine(profile.serial), warp=None, sent_log=log, keys=RING)
    assert [e["meter"] for e in log.entries] == ["kamstrup-omnipower-dk"] * 4
    assert all(e["expect_publish"] and e["readings"]["meter_id"] == profile.identity.meter_id for e in log.entries)
    blind = SentLog()
    replay_capture(capture, MemoryLine(profile.serial), warp=None, sent_log=blind)
    assert not any(e["expect_publish"] for e in blind.entries)  # without keys nothing is known to publish
