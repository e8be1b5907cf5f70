// QEMU's semihosting for xtensa: the emulated board's only way to the host.
//
// The `simcall` instruction traps into QEMU with the call number in a2 and its
// arguments in a3..a5; the result comes back in a2 (errno in a3). File descriptors
// are host descriptors; 0..2 are the console on QEMU's -serial device.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace lx106 {

// QEMU's TARGET_SYS_* numbers (target/xtensa/xtensa-semi.c).
enum class Call : int {
    Exit = 1,
    Read = 3,
    Write = 4,
    Open = 5,
    Close = 6,
    Lseek = 19,
    SelectOne = 29,  // select() on one descriptor with a timeout: polling without blocking
    Argc = 1000,
    ArgvSize = 1001,
    Argv = 1002,
};

// open() flags as QEMU 7.2 hands them to the host's open(2) unchanged: Linux's values.
constexpr int kHostReadOnly = 0;
constexpr int kHostReadWrite = 02;
constexpr int kHostWriteNew = 01 | 0100 | 01000;  // O_WRONLY | O_CREAT | O_TRUNC

constexpr int kConsoleIn = 0;
constexpr int kConsoleOut = 1;

int simcall(Call call, int a = 0, int b = 0, int c = 0);

inline int open_host(const char* path, int flags, int mode = 0644) {
    return simcall(Call::Open, reinterpret_cast<int>(path), flags, mode);
}
inline int read_host(int fd, void* buffer, size_t capacity) {
    return simcall(Call::Read, fd, reinterpret_cast<int>(buffer), static_cast<int>(capacity));
}
inline int write_host(int fd, const void* data, size_t length) {
    return simcall(Call::Write, fd, reinterpret_cast<int>(data), static_cast<int>(length));
}
inline int close_host(int fd) { return simcall(Call::Close, fd); }
[[noreturn]] void exit_host(int code);

// Writes all of data (QEMU may take part of it); false when the host refused.
bool write_all(int fd, const void* data, size_t length);
// Whether fd has bytes to read within timeout_us (0: look and return at once).
// The emulated CPU stands still while QEMU waits, as the board would in a light sleep.
bool readable(int fd, uint32_t timeout_us);

// The program's arguments from -semihosting-config ...,arg=A,arg=B: argv[0] is the image.
// Copied into a fixed buffer; false when they do not fit it.
bool load_arguments(int& argc, char**& argv);

}  // namespace lx106
