#include "semihosting.h"

namespace lx106 {

int simcall(Call call, int a, int b, int c) {
    register int a2 __asm__("a2") = static_cast<int>(call);
    register int a3 __asm__("a3") = a;
    register int a4 __asm__("a4") = b;
    register int a5 __asm__("a5") = c;
    __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    return a2;
}

void exit_host(int code) {
    simcall(Call::Exit, code);
    for (;;) {
    }
}

bool write_all(int fd, const void* data, size_t length) {
    const char* next = static_cast<const char*>(data);
    while (length > 0) {
        const int wrote = write_host(fd, next, length);
        if (wrote <= 0) return false;
        next += wrote;
        length -= static_cast<size_t>(wrote);
    }
    return true;
}

bool readable(int fd, uint32_t timeout_us) {
    constexpr int kSelectRead = 1;
    struct {
        int32_t seconds;
        int32_t microseconds;
    } timeout = {static_cast<int32_t>(timeout_us / 1000000), static_cast<int32_t>(timeout_us % 1000000)};
    return simcall(Call::SelectOne, fd, kSelectRead, reinterpret_cast<int>(&timeout)) > 0;
}

bool load_arguments(int& argc, char**& argv) {
    // QEMU writes the pointer table followed by the strings it points to.
    static uint32_t storage[256];
    argc = simcall(Call::Argc);
    const int size = simcall(Call::ArgvSize);
    if (argc < 0 || size < 0 || static_cast<size_t>(size) > sizeof(storage)) return false;
    simcall(Call::Argv, reinterpret_cast<int>(storage));
    argv = reinterpret_cast<char**>(storage);
    return true;
}

}  // namespace lx106
