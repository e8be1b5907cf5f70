"""Capture from a port (detecting the serial settings and the meter) and replay with the recorded gaps."""

import threading
from itertools import pairwise
from pathlib import Path

import pytest

from meter_profiles import get_profile
from simulator.capture import Capture, CaptureError, frame_offsets, read_capture, record, replay_capture
from simulator.codec import HdlcDeframer
from simulator.run import SentLog, run_meter

from .support import PtyTap, private_pty

CAPTURES = Path(__file__).parents[2] / "captures"


@pytest.mark.parametrize("meter, detected", [("kaifa-ma304h3e", "8E1"), ("kamstrup-6841121", "8N1")])
def test_a_capture_detects_the_meter_and_records_in_the_captures_format(tmp_path, meter, detected):
    profile = get_profile(meter)
    out = tmp_path / "capture.log"
    sent, stop = SentLog(), threading.Event()
    with private_pty(profile.serial, drop_when_full=True) as line:
        meter_thread = threading.Thread(
            target=run_meter,
            args=(profile, line),
            kwargs=dict(scenario="fixed", warp=100, sent_log=sent, stop=stop, byte_pacing=False),
            daemon=True,
        )
        meter_thread.start()
        count = record(line.reader_path, out, max_frames=12, window_s=5)
        stop.set()
        meter_thread.join(5)
    capture = read_capture(out)
    assert count == len(capture.frames) == 12
    assert capture.comments[0] == f"{profile.description}, 2400 {detected} (detected)"
    assert (
        capture.comments[1]
        == f"serial settings: {line.reader_path} carries no parity, so frames pass at any setting: recorded as profile {meter}'s setting"
    )
    recorded = [f.frame.hex().upper() for f in capture.frames]
    sent_frames = [e["frame"] for e in sent.entries]
    start = sent_frames.index(recorded[0])
    assert recorded == sent_frames[start : start + 12]
    assert all(f.received is not None for f in capture.frames)
    text = out.read_text().splitlines()[4]  # after four comment lines
    assert text.split("\t")[1] == recorded[0] and len(text.split("\t")[0]) == 23  # 2026-11-23T15:31:10.004


def test_replay_keeps_the_recorded_gaps_warped():
    whole = read_capture(CAPTURES / "kaifa-ma304h3e-2017-09-14.log")
    part = Capture(whole.path, whole.comments, whole.frames[:16])
    profile = get_profile("kaifa-ma304h3e")
    sent, warp = SentLog(), 10
    with private_pty(profile.serial) as line:
        tap = PtyTap(line.reader_path)
        replay_capture(part, line, warp=warp, sent_log=sent, byte_pacing=False)
        data = tap.close(expect_bytes=line.bytes_written)
    assert [f.hex().upper() for f in HdlcDeframer().feed(data)] == [f.frame.hex().upper() for f in part.frames]
    offsets = frame_offsets(part, profile.serial.byte_time)
    # The replay's own stamps, each less its recorded offset: the pacer's origin plus how late that frame woke.
    # A sleep never ends early, so the least of them is the origin and the rest are lateness, which a busy machine
    # stretches but a replay that lost the warp or a gap stretches by whole gaps: each frame must lie nearer its
    # own slot than its neighbour's.
    lags = [entry["start_mono"] - offset / warp for entry, offset in zip(sent.entries, offsets, strict=True)]
    half_gap = min(later - earlier for earlier, later in pairwise(offsets)) / warp / 2
    assert max(lags) - min(lags) < half_gap, [round(lag - min(lags), 3) for lag in lags]
    assert offsets[4] == pytest.approx(8.0, abs=0.6)  # list 2 came 8.4 s after the first list 1, less its length
    assert sent.entries[4]["list"] == 2 and sent.entries[4]["readings"]["active_power_import"] == 918


def test_a_capture_without_host_times_is_placed_by_the_meter_clock():
    whole = read_capture(CAPTURES / "kaifa-ma304h3e-2017-09-15.log")
    offsets = frame_offsets(Capture(whole.path, whole.comments, whole.frames[:6]), 11 / 2400)
    assert offsets == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0] or offsets[:2] == [0.0, 2.0]


def test_a_broken_capture_line_is_named(tmp_path):
    bad = tmp_path / "bad.log"
    bad.write_text("# header\n2017-09-14T19:31:02.402\t7EA0ZZ\n")
    with pytest.raises(CaptureError, match=r"bad.log:2: frame must be hex, not '7EA0ZZ'"):
        read_capture(bad)


def test_a_meter_no_profile_knows_is_recorded_with_the_settings_found_and_learned_back(tmp_path, monkeypatch):
    """The Kamstrup 6841131 with its profile taken out of the bundle: detected by checksums, recorded, then learned."""
    import simulator.codec.frames as frames
    from meter_profiles import bundled_profiles
    from simulator.capture import learn_profile
    from simulator.codec.decode_table import table_of

    profile = get_profile("kamstrup-6841131")
    monkeypatch.setattr(
        frames, "bundled_table", lambda: table_of({n: p for n, p in bundled_profiles().items() if "6841131" not in n})
    )
    out, stop = tmp_path / "capture.log", threading.Event()
    with private_pty(profile.serial, drop_when_full=True) as line:
        meter_thread = threading.Thread(
            target=run_meter,
            args=(profile, line),
            daemon=True,
            kwargs=dict(scenario="fixed", warp=100, stop=stop, byte_pacing=False),
        )
        meter_thread.start()
        count = record(line.reader_path, out, max_frames=40, window_s=5)
        stop.set()
        meter_thread.join(5)
    capture = read_capture(out)
    assert count == 40
    assert capture.comments[0] == "Kamstrup meter 6841131BN243101040 that no profile knows, 2400 8N1 (detected)"
    assert capture.comments[1].endswith(
        "carries no parity, so frames pass at any setting: recorded as kamstrup meters' usual setting"
    )
    learned = learn_profile(capture).data
    assert learned["serial"]["parity"] == "N" and learned["identity"]["meter_type"] == "6841131BN243101040"
    assert [item.get("obis") for item in learned["lists"]["2"]["items"]] == [
        item.obis for item in profile.lists[2].items
    ]
