"""The core cross-compiled for the ESP8266 stays within its flash and data RAM budget."""

from firmware.tools import xtensa_size


def test_core_fits_the_esp8266_budget():
    figures = xtensa_size.report()
    assert figures["flash"] > 10_000, f"implausibly small core: {figures}"  # the build really compiled the core
    # HAN_FLASH really placed the tables and texts in .irom.text (several KB of them).
    assert figures["flash_constants"] > 4_000, f"constants not placed in flash: {figures}"
    assert figures["reader_app"] > 1024, f"ReaderApp smaller than its deframer: {figures}"
    assert figures["flash"] <= xtensa_size.FLASH_BUDGET, f"flash over budget: {figures}"
    assert figures["ram"] <= xtensa_size.RAM_BUDGET, (
        f"data RAM (.data + .bss + .rodata + ReaderApp) over budget: {figures}"
    )


def test_ram_is_counted_by_where_the_esp8266_linker_puts_it():
    assert xtensa_size.placement(".rodata._ZN3han12_GLOBAL__N_1L6kSpecsE") == "rodata"  # copied to data RAM
    assert xtensa_size.placement(".rodata.str1.1") == "rodata"
    assert xtensa_size.placement(".irom.text") == "flash"  # PROGMEM / HAN_FLASH
    assert xtensa_size.placement(".rodata._ZTVN3han9ReaderAppE") == "flash"  # VTABLES_IN_FLASH
    assert xtensa_size.placement(".literal._ZN3han4testEv") == "flash"
    assert xtensa_size.placement(".bss._ZN3han1xE") == "bss"
    assert xtensa_size.placement(".xt.prop") is None
