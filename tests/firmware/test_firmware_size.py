"""The core cross-compiled for the ESP8266 stays within its flash and static RAM budget."""

from tests.firmware import xtensa_size


def test_core_fits_the_esp8266_budget():
    figures = xtensa_size.report()
    assert figures["text"] > 10_000, f"implausibly small core: {figures}"  # the build really compiled the core
    assert figures["flash"] <= xtensa_size.TEXT_BUDGET, f".text + .rodata over budget: {figures}"
    assert figures["static_ram"] <= xtensa_size.RAM_BUDGET, f".data + .bss over budget: {figures}"
