// What a bare lx106 image needs before and around the reader: static construction,
// the C++ runtime's last resorts, the ROM's division routines and the C library's
// system calls, all on semihosting.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "semihosting.h"

extern "C" {

// The core has virtual destructors, so the compiler emits deleting destructors that
// name operator delete; nothing on the board allocates, so reaching one is a bug.
[[noreturn]] static void fatal(const char* what) {
    lx106::write_all(lx106::kConsoleOut, what, strlen(what));
    lx106::exit_host(134);
}

extern uint32_t __bss_start[], __bss_end[];
using Constructor = void (*)();
extern Constructor __init_array_start[], __init_array_end[];
int main(int argc, char** argv);

// Called by _start (start.S) on the painted stack; main() gets the semihosting arguments.
[[noreturn]] void lx106_start() {
    for (uint32_t* word = __bss_start; word < __bss_end; ++word) *word = 0;
    for (Constructor* constructor = __init_array_start; constructor < __init_array_end; ++constructor) {
        (*constructor)();
    }
    int argc = 0;
    char** argv = nullptr;
    if (!lx106::load_arguments(argc, argv)) fatal("hanreader: the semihosting arguments do not fit 1 KiB\n");
    lx106::exit_host(main(argc, argv));
}

// Function-local statics: one thread, no interrupts touching them, so a flag suffices.
int __cxa_guard_acquire(uint64_t* guard) { return *reinterpret_cast<uint8_t*>(guard) == 0; }
void __cxa_guard_release(uint64_t* guard) { *reinterpret_cast<uint8_t*>(guard) = 1; }
void __cxa_guard_abort(uint64_t*) {}

void __cxa_pure_virtual() { fatal("hanreader: pure virtual call\n"); }

// The ESP8266 runs these from its mask ROM (eagle.rom.addr.v6.ld), so Debian's libgcc
// for the lx106 leaves them out: plain shift-and-subtract stand-ins, slower than the ROM's.
static uint64_t divide(uint64_t numerator, uint64_t denominator, uint64_t* remainder) {
    if (denominator == 0) fatal("hanreader: division by zero\n");
    uint64_t quotient = 0, rest = 0;
    // From the numerator's highest set bit: decimal printing divides small numbers by 10.
    for (int bit = numerator == 0 ? -1 : 63 - __builtin_clzll(numerator); bit >= 0; --bit) {
        rest = (rest << 1) | ((numerator >> bit) & 1);
        if (rest >= denominator) {
            rest -= denominator;
            quotient |= uint64_t{1} << bit;
        }
    }
    if (remainder) *remainder = rest;
    return quotient;
}

static uint64_t magnitude(int64_t value) { return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value); }

static int64_t with_sign(uint64_t value, bool negative) {
    return negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
}

uint64_t __muldi3(uint64_t a, uint64_t b) {
    uint64_t product = 0;
    for (; b != 0; b >>= 1, a <<= 1) {
        if (b & 1) product += a;
    }
    return product;
}

// 32 x 32 -> 64 bits, which libgcc's 64-bit modulo calls.
uint64_t __umulsidi3(uint32_t a, uint32_t b) { return __muldi3(a, b); }

uint32_t __udivsi3(uint32_t a, uint32_t b) { return static_cast<uint32_t>(divide(a, b, nullptr)); }

uint32_t __umodsi3(uint32_t a, uint32_t b) {
    uint64_t rest = 0;
    divide(a, b, &rest);
    return static_cast<uint32_t>(rest);
}

int32_t __divsi3(int32_t a, int32_t b) {
    return static_cast<int32_t>(with_sign(divide(magnitude(a), magnitude(b), nullptr), (a < 0) != (b < 0)));
}

uint64_t __udivdi3(uint64_t a, uint64_t b) { return divide(a, b, nullptr); }

uint64_t __umoddi3(uint64_t a, uint64_t b) {
    uint64_t rest = 0;
    divide(a, b, &rest);
    return rest;
}

int64_t __divdi3(int64_t a, int64_t b) {
    return with_sign(divide(magnitude(a), magnitude(b), nullptr), (a < 0) != (b < 0));
}

// picolibc's system calls: what snprintf-free code and the replay tool use.
int open(const char* path, int flags, ...) {
    // picolibc's O_* are newlib's; QEMU passes Linux's to the host.
    constexpr int kCreate = 0x0200, kTruncate = 0x0400, kAppend = 0x0008;
    int host = flags & 3;
    if (flags & kCreate) host |= 0100;
    if (flags & kTruncate) host |= 01000;
    if (flags & kAppend) host |= 02000;
    return lx106::open_host(path, host);
}

int read(int fd, void* buffer, size_t capacity) { return lx106::read_host(fd, buffer, capacity); }

int write(int fd, const void* data, size_t length) { return lx106::write_host(fd, data, length); }

int close(int fd) { return lx106::close_host(fd); }

[[noreturn]] void _exit(int code) { lx106::exit_host(code); }

}  // extern "C"

void operator delete(void*) noexcept { fatal("hanreader: operator delete on a board without a heap\n"); }
void operator delete(void*, size_t) noexcept { fatal("hanreader: operator delete on a board without a heap\n"); }
