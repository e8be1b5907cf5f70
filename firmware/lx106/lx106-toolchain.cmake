# The reader as an image for the emulated lx106 board (qemu-system-xtensa -M sim -cpu lx106):
# the ESP8266 build's compiler and flags (esp8266/xtensa-toolchain.cmake), plus the
# image's start code, linker script and picolibc.
#   cmake -S firmware -B firmware/build-lx106 -DCMAKE_TOOLCHAIN_FILE=lx106/lx106-toolchain.cmake
include(${CMAKE_CURRENT_LIST_DIR}/../esp8266/xtensa-toolchain.cmake)
set(CMAKE_ASM_COMPILER xtensa-lx106-elf-gcc)
set(HANREADER_LX106_IMAGE ON CACHE BOOL "" FORCE)
