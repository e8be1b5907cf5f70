"""The tests catch a broken transmitter: parity computed odd where even was asked for."""

from pathlib import Path

import pytest

from hardware import hdl_build
from hardware.gateware import line


def odd_parity_bit(byte, parity):
    """The mutant: always odd parity, whatever the format says."""
    return ~byte.xor()


def test_odd_parity_mutant_fails_the_parity_test(tmp_path, monkeypatch):
    monkeypatch.setattr(line, "parity_bit", odd_parity_bit)
    mutant = hdl_build.build(tmp_path, **hdl_build.FAST)
    with pytest.raises(AssertionError) as failed:
        hdl_build.run(mutant, "cocotb_frames", Path(__file__).resolve().parent, test_filter="parity_and_stop_bits")
    report = str(failed.value)
    # Even parity (format 0) and 8E2 (format 3) fail on parity; 8N1 has no parity slot to get
    # wrong, and odd parity is right by accident.
    assert "parity_and_stop_bits/serial_format=0: " in report and "parity wrong" in report
    assert "serial_format=3" in report
    assert "serial_format=1" not in report and "serial_format=2" not in report
