# Cross-compiles the core for the ESP8266 (xtensa-lx106) with Debian's gcc-xtensa-lx106,
# for the size budget only: the board image itself is built by PlatformIO (esp8266/).
#   cmake -S firmware -B firmware/build-xtensa -DCMAKE_TOOLCHAIN_FILE=esp8266/xtensa-toolchain.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR xtensa)
set(CMAKE_CXX_COMPILER xtensa-lx106-elf-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(HANREADER_CORE_ONLY ON CACHE BOOL "" FORCE)
# The flags of the ESP8266 Arduino core: size-optimised, long calls into flash, one
# section per function and object so the linker drops what the sketch does not use;
# and no switch jump tables, which GCC puts in .rodata and so in data RAM on the board
# (platformio.ini passes the same flag).
set(CMAKE_CXX_FLAGS_INIT "-Os -mlongcalls -mtext-section-literals -ffunction-sections -fdata-sections -fno-jump-tables -fno-exceptions -fno-rtti -ffreestanding")
set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "" FORCE)
