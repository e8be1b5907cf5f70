"""The line emulator's gateware in Icarus under cocotb: faults, frames, host protocol, timing.

Each test is one simulator run of a whole cocotb module (its cases parametrized
inside), because starting Icarus costs more than most cases take.
"""

from pathlib import Path

import pytest

from hardware import hdl_build

COCOTB_MODULES = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def fast_build(tmp_path_factory):
    """The emulator at logic speed (16 cycles per line bit), compiled once."""
    return hdl_build.build(tmp_path_factory.mktemp("fast"), **hdl_build.FAST)


@pytest.fixture(scope="module")
def real_build(tmp_path_factory):
    """The emulator as the board runs it: 12 MHz, 1 Mbaud host, 2400 baud line."""
    return hdl_build.build(tmp_path_factory.mktemp("real"), **hdl_build.REAL)


def test_every_fault_does_what_it_says_and_nothing_else(fast_build):
    hdl_build.run(fast_build, "cocotb_faults", COCOTB_MODULES)


def test_a_frame_of_every_profile_decodes_back(fast_build):
    hdl_build.run(fast_build, "cocotb_frames", COCOTB_MODULES)


def test_host_protocol_and_flow_control(fast_build):
    hdl_build.run(fast_build, "cocotb_protocol", COCOTB_MODULES)


@pytest.mark.parametrize("line_format", ["8E1", "8N1"])
def test_frame_timing_at_2400_baud(real_build, line_format):
    hdl_build.run(real_build, "cocotb_timing", COCOTB_MODULES, HB_FORMAT=line_format, HB_FRAME="kaifa-l1")
