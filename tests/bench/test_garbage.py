"""A hostile reader: whatever it publishes is judged, with a reason, and never crashes the checker."""

import json

import pytest

from bench.check import judge
from bench.observer.adapters import MAX_DEPTH, MAX_PAYLOAD, publications
from tests.bench.benchlogs import TOPIC, classic, list2, sent
from tests.bench.format_writers import kaifa_frames, messages_of

DEEP = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
GARBAGE = {
    "data is a list": '{"data": []}',
    "data is a number": '{"data": 7}',
    "document is a list": "[1, 2]",
    "NaN power": '{"data": {"P": NaN}}',
    "infinite power": '{"data": {"P": Infinity}}',
    "minus infinity": '{"data": {"P": -Infinity}}',
    "huge number": '{"data": {"P": 1e999}}',
    "deep nesting": '{"data": {"P": ' + DEEP + "}}",
    "deeper than Python recurses": "[" * 200_000,
    "oversized": '{"data": {"P": "' + "x" * (MAX_PAYLOAD + 1) + '"}}',
    "a dict for a number": '{"data": {"P": {"a": 1}}}',
    "a list for a number": '{"data": {"P": [1, 2]}}',
    "a boolean for a number": '{"data": {"P": true}}',
    "a number for the meter id": '{"data": {"id": 12}}',
    "not JSON": "P=1000",
    "not UTF-8": None,
}


def frames_and_one_bad(payload) -> tuple[list, list]:
    """Three clean frames, a correct message for the first two, garbage for the third."""
    frames = [sent(seq, 100.0 + seq, list2(1000 + seq)) for seq in range(3)]
    messages = [classic(f["end_mono"] + 0.02, f["readings"]) for f in frames[:2]]
    return frames, [*messages, bad_message(frames[2]["end_mono"] + 0.02, TOPIC, payload)]


@pytest.mark.parametrize("payload", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_from_a_reader_is_judged_with_a_reason_not_crashed_on(payload):
    frames, messages = frames_and_one_bad(payload)
    verdict = judge(frames, publications("classic", TOPIC, messages))
    assert not verdict.passed
    assert "no-extra" in verdict.reasons() or "values" in verdict.reasons()
    details = " ".join(f.detail for f in verdict.failures)
    assert "message 2" in details or "frame 2" in details
    assert verdict.as_dict()["verdict"] == "FAIL"
    json.dumps(verdict.as_dict(), allow_nan=False)


def test_a_flood_is_judged_and_counted_without_pairing_each_message():
    frames = [sent(seq, 100.0 + seq, list2(1000 + seq)) for seq in range(3)]
    messages = [classic(f["end_mono"] + 0.02, f["readings"]) for f in frames]
    messages += [classic(101.5, list2(999_999)) for _ in range(20_000)]
    verdict = judge(frames, publications("classic", TOPIC, messages))
    assert verdict.reasons() == {"no-extra"}
    assert len(verdict.failures) == 20_000


@pytest.mark.parametrize("template", [17, ["{{ value_json.P }}"], {"a": 1}, None])
def test_a_home_assistant_template_that_is_not_a_string_is_an_error_message(template):
    config = {"state_topic": "ams/state", "value_template": template}
    messages = [
        {"t": 0.5, "topic": "homeassistant/sensor/ams/P/config", "payload": json.dumps(config)},
        {"t": 1.0, "topic": "ams/state", "payload": json.dumps({"P": 800})},
    ]
    found = publications("homeassistant", TOPIC, messages)
    assert any(p.error and "value_template" in p.error for p in found)


@pytest.mark.parametrize("payload", ["nan", "inf", "-Infinity", "1e999"])
def test_a_value_topic_carrying_nan_or_infinity_is_an_error_message(payload):
    found = publications("values", TOPIC, [{"t": 1.0, "topic": f"{TOPIC}/P", "payload": payload}])
    assert [p.error for p in found if p.error], found


# Garbage in each format the bench reads besides the classic one: (the topic under the reader's, the payload).
FORMAT_GARBAGE = {
    "amsreader": [("", payload) for payload in GARBAGE.values()] + [("list2", '{"data": "P"}')],
    "amsreader-raw": [
        ("/meter/import/active", payload) for payload in ("nan", "Infinity", "1e999", "P=1000", "", "9" * 400, None)
    ]
    + [("/meter/clock", "2026-03-02 09:00")],
    "raw": [
        ("", payload) for payload in ("7E A0 zz", "7EA", "7E00", "7EA0087E", "FF" * (MAX_PAYLOAD // 2 + 1), "[]", None)
    ],
}


def bad_message(t: float, topic: str, payload) -> dict:
    """The observer's record of a message, binary (payload_hex) when payload is None."""
    return {"t": t, "topic": topic, **({"payload_hex": "fffe00"} if payload is None else {"payload": payload})}


@pytest.mark.parametrize(
    "output_format, where, payload",
    [(name, where, payload) for name, cases in FORMAT_GARBAGE.items() for where, payload in cases],
)
def test_garbage_in_another_format_is_judged_with_a_reason_not_crashed_on(output_format, where, payload):
    frames = kaifa_frames(3)
    messages = messages_of(output_format, "good", frames[:2])
    topic = TOPIC + (where if where.startswith("/") or not where else "/" + where)
    verdict = judge(frames, publications(output_format, TOPIC, [*messages, bad_message(102.02, topic, payload)]))
    assert verdict.status == "FAIL"
    assert "frame 2 (list 3, 2026-03-02T09:00:04) was not published" in " ".join(f.detail for f in verdict.failures)
    json.dumps(verdict.as_dict(), allow_nan=False)


def test_a_raw_frame_with_a_broken_checksum_is_an_error_message_naming_it():
    frame = kaifa_frames(1)[0]["frame"]
    broken = frame[:-6] + ("0000" if frame[-6:-2] != "0000" else "FFFF") + frame[-2:]
    (found,) = publications("raw", TOPIC, [bad_message(1.0, TOPIC, broken)])
    assert found.error and "not a frame in hexadecimal" in found.error and "FCS" in found.error.upper()
