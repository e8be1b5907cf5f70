"""The core's worst-case stack from every entry point the sketch calls fits the ESP8266 loop stack."""

import pytest

from firmware.tools import xtensa_size, xtensa_stack
from firmware.tools.xtensa_stack import Depth, Function, StackError
from tests.firmware.harness import FIRMWARE


@pytest.fixture(scope="module")
def depths() -> dict[str, Depth]:
    """Depth per entry point from the xtensa build's call graph."""
    return xtensa_size.stack_report().depths


def test_every_entry_point_fits_the_cont_stack_budget(depths):
    over = {entry: depth for entry, depth in depths.items() if depth.bytes > xtensa_stack.STACK_BUDGET}
    assert not over, "over the stack budget of {} bytes:\n{}".format(
        xtensa_stack.STACK_BUDGET,
        "\n".join(
            f"{entry} {depth.bytes}: " + " -> ".join(f"{name} [{frame}]" for name, frame in depth.chain)
            for entry, depth in over.items()
        ),
    )


def test_virtual_calls_into_the_core_are_followed(depths):
    # MqttClient::loop reaches the console only through MqttListener::on_mqtt_message.
    assert depths["broker loop"].bytes > depths["console command"].bytes, depths
    # A frame reaches MqttClient::publish only through Publisher::publish.
    assert any("MqttClient::publish" in name for name, _ in depths["meter bytes"].chain), depths["meter bytes"]


def test_a_nested_call_is_found_inside_the_call_gcc_reports(tmp_path):
    source = tmp_path / "a.cpp"
    source.write_text("void A::loop() { mqtt_.loop(platform_.millis());\n}\n")
    column = source.read_text().index("loop(platform") + len("loop") + 1
    assert xtensa_stack.names_called_at(f"{source}:1:{column}") == {"loop", "millis"}


def test_the_board_interface_is_read_from_platform_h():
    board = xtensa_stack.platform_methods(FIRMWARE / "core/platform.h")
    assert {"log", "save_settings", "write", "read", "millis"} <= board
    assert not any(name.startswith("~") for name in board)


def graph_of(**frames_and_calls) -> dict[str, Function]:
    return {
        title: Function(title, f"han::{title}", frame, set(calls)) for title, (frame, calls) in frames_and_calls.items()
    }


def test_depth_is_the_deepest_chain_of_frames():
    graph = graph_of(entry=(100, ["small", "big"]), small=(16, []), big=(40, ["leaf", "memcpy"]), leaf=(300, []))
    depth = xtensa_stack.deepest(graph, "entry", {}, {})
    assert depth.bytes == 440
    assert [name for name, _ in depth.chain] == ["han::entry", "han::big", "han::leaf"]


def test_a_bounded_recursion_counts_its_bound_and_any_other_is_refused():
    graph = graph_of(skip=(48, ["skip", "next"]), next=(32, []))
    assert xtensa_stack.deepest(graph, "skip", {"skip": 6}, {}).bytes == 6 * 48 + 32
    with pytest.raises(StackError, match=r"recursion bounds no stack: han::skip -> han::skip"):
        xtensa_stack.deepest(graph, "skip", {}, {})
