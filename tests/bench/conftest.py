"""Fixtures of the bench's tests."""

import pytest

from tests.bench.benchlogs import classic, list2, sent


@pytest.fixture
def run_of_ten():
    """Ten clean list 2 frames one second apart, and a correct reader's messages 20 ms after each."""
    frames = [sent(seq, 100.0 + seq, list2(1000 + seq)) for seq in range(10)]
    messages = [classic(f["end_mono"] + 0.02, f["readings"]) for f in frames]
    return frames, messages
