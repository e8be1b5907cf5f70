#include "ports.h"

#include "semihosting.h"

namespace lx106 {

namespace {
constexpr uint32_t kReopenMs = 1000;
}

bool HostFileMeter::open() {
    fd_ = open_host(path_, kHostReadOnly);
    return fd_ >= 0;
}

void HostFileMeter::close() {
    if (fd_ >= 0) close_host(fd_);
    fd_ = -1;
}

int HostFileMeter::read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) {
    parity_errors = 0;
    if (fd_ < 0) {
        if (static_cast<int32_t>(platform_.millis() - reopen_at_ms_) < 0) return 0;
        reopen_at_ms_ = platform_.millis() + kReopenMs;
        if (open()) platform_.log("meter line reopened");
        return 0;
    }
    if (!readable(fd_, 0)) return 0;
    const int got = read_host(fd_, buffer, capacity);
    if (got > 0) return got;
    platform_.log("meter line hang-up or read error; reopening in 1 s");
    close();
    reopen_at_ms_ = platform_.millis() + kReopenMs;
    return 0;
}

int SemihostingConsole::read(char* buffer, size_t capacity) {
    if (!readable(kConsoleIn, 0)) return 0;
    const int got = read_host(kConsoleIn, buffer, capacity);
    return got > 0 ? got : -1;  // end of the console's input: closed for good
}

}  // namespace lx106
