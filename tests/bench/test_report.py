"""The report's axes: the meter's own clock on the time axis, round milliseconds and counts on the latency histogram."""

import html
import re
from datetime import datetime, timedelta

import pytest

from bench.report.axes import clock_ticks, round_ticks
from bench.report.svg import histogram
from simulator.run.sentlog import SentEntry
from tests.bench.benchlogs import sent


def frames_of(clock_start: str, seconds_apart: float, count: int, wall_per_meter_second: float) -> list[SentEntry]:
    """Frames whose meter clock steps by seconds_apart, sent wall_per_meter_second apart per meter second."""
    start = datetime.fromisoformat(clock_start)
    return [
        sent(
            i,
            100.0 + i * seconds_apart * wall_per_meter_second,
            {},
            time=(start + timedelta(seconds=i * seconds_apart)).isoformat(),
        )
        for i in range(count)
    ]


def labels(ticks: list[tuple[float, str]]) -> list[str]:
    return [label for _, label in ticks]


def test_a_warped_day_is_labelled_in_hours_of_the_meters_day_not_wall_seconds():
    day = frames_of("2026-03-02T00:00:00", 2, 43_200, 1 / 3600)  # a Kaifa day at an hour a second
    ticks, title = clock_ticks(day, day[0]["end_mono"])
    assert labels(ticks) == ["2026-03-02", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00"]
    assert [round(at) for at, _ in ticks] == [0, 3, 6, 9, 12, 15, 18, 21]  # where, in the run's 24 wall seconds
    assert title == "the meter's clock, 2026-03-02 00:00:00 to 2026-03-02 23:59:58"


def test_the_hour_a_kaifa_clock_repeats_when_daylight_saving_ends_is_labelled_twice():
    summer = frames_of("2026-10-25T01:55:00", 10, 390, 0.1)  # 01:55 to 02:59:50 summer time
    winter = frames_of("2026-10-25T02:00:00", 10, 31, 0.1)  # the same hour again, winter time
    for frame in winter:
        frame["end_mono"] += summer[-1]["end_mono"] - 100.0 + 1.0
    ticks, _ = clock_ticks(summer + winter, 100.0)
    assert labels(ticks) == ["02:00", "02:10", "02:20", "02:30", "02:40", "02:50", "02:00"]
    assert [at for at, _ in ticks] == sorted(at for at, _ in ticks)


def test_a_short_run_is_labelled_in_seconds_and_a_log_without_clock_in_run_seconds():
    ticks, _ = clock_ticks(frames_of("2026-03-02T08:59:30", 2, 30, 0.05), 100.0)
    assert labels(ticks)[:2] == ["08:59:30", "08:59:40"] and all(
        re.fullmatch(r"\d\d:\d\d:\d\d", t) for t in labels(ticks)
    )
    assert clock_ticks([sent(0, 1.0, {})], 0.0) == ([], "seconds since the first frame")


@pytest.mark.parametrize(
    "low, high, whole, ticks",
    [
        (0, 1050, False, [0, 250, 500, 750, 1000]),
        (228.1, 236.4, False, [230, 232, 234, 236]),
        (0, 3, True, [0, 1, 2, 3]),
        (0, 7, True, [0, 2, 4, 6]),
        (0, 43_000, True, [0, 10_000, 20_000, 30_000, 40_000]),
        (5, 5, False, [5]),
    ],
)
def test_round_ticks_are_round_and_counts_whole(low, high, whole, ticks):
    assert round_ticks(low, high, whole=whole) == ticks


def test_the_latency_histogram_reads_in_milliseconds_and_frame_counts():
    svg = histogram("Latency", [0.002] * 90 + [0.05] * 10 + [0.4], limit=1.0)
    texts = [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert "milliseconds from a frame's last byte on the line to its message" in texts and "frames" in texts
    assert {"0", "200", "400", "600", "800", "1000"} <= set(texts) and "limit 1000 ms" in texts
    assert {"0", "20", "40", "60", "80"} <= set(texts)  # counts up to the 90 in the first bin
