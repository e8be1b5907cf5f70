"""The line emulator's gateware in Icarus under cocotb: faults, formats, frames, host protocol, timing."""

import tomllib

import pytest

import hdl_build
from cocotb_line import SCENARIOS
from frames import reference_frames


@pytest.fixture(scope="module")
def fast_build(tmp_path_factory):
    """The emulator at logic speed (16 cycles per line bit), compiled once."""
    return hdl_build.build(tmp_path_factory.mktemp("fast"), **hdl_build.FAST)


@pytest.fixture(scope="module")
def real_build(tmp_path_factory):
    """The emulator as the board runs it: 12 MHz, 1 Mbaud host, 2400 baud line."""
    return hdl_build.build(tmp_path_factory.mktemp("real"), **hdl_build.REAL)


@pytest.mark.parametrize("name", list(tomllib.loads(SCENARIOS.read_text())))
def test_fault_scenario(fast_build, name):
    hdl_build.run(fast_build, "cocotb_line", "fault_scenario", HB_SCENARIO=name)


@pytest.mark.parametrize("key", list(reference_frames()))
def test_profile_frame(fast_build, key):
    hdl_build.run(fast_build, "cocotb_line", "profile_frame", HB_FRAME=key)


@pytest.mark.parametrize("testcase", ["status_counts_entries", "bad_opcode_is_flagged_once",
                                      "overflow_drops_and_flags", "credits_fill_the_fifo_without_loss"])
def test_host_protocol(fast_build, testcase):
    hdl_build.run(fast_build, "cocotb_line", testcase)


@pytest.mark.parametrize("line_format", ["8E1", "8N1"])
def test_frame_timing_at_2400_baud(real_build, line_format):
    hdl_build.run(real_build, "cocotb_timing", "frame_on_the_bit_grid",
                  HB_FORMAT=line_format, HB_FRAME="kaifa-l1")
