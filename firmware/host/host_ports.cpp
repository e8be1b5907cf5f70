#include "host_ports.h"

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <unistd.h>

namespace host {

namespace {

constexpr uint32_t kReopenMs = 1000;

// Whether fd has something to read (or hung up) now, without blocking.
bool readable(int fd) {
    pollfd one{fd, POLLIN, 0};
    return poll(&one, 1, 0) > 0;
}

}  // namespace

int TtyMeter::read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) {
    parity_errors = 0;
    const uint32_t now_ms = platform_.millis();
    if (tty_.fd() < 0) {
        if (static_cast<int32_t>(now_ms - reopen_at_ms_) < 0) return 0;
        reopen_at_ms_ = now_ms + kReopenMs;
        if (!tty_.open(path_)) return 0;
        platform_.log("tty reopened");
    }
    // Only when poll() says so: a raw tty (VMIN 0) reads 0 bytes when empty, which read() takes for a hang-up.
    if (!readable(tty_.fd())) return 0;
    const int got = tty_.read(buffer, capacity, parity_errors);
    if (got >= 0) return got;
    platform_.log("tty hang-up or read error; reopening in 1 s");
    tty_.close();
    reopen_at_ms_ = now_ms + kReopenMs;
    return 0;
}

bool W1Thermometer::sample(int32_t& centi_celsius) {
    FILE* file = std::fopen(path_.c_str(), "r");
    if (!file) return false;  // unplugged: the reading falls back to the configured temperature
    long millidegrees = 0;
    const bool read = std::fscanf(file, "%ld", &millidegrees) == 1;
    std::fclose(file);
    if (!read || millidegrees < -55000 || millidegrees > 125000) return false;  // the DS18B20's range
    centi_celsius = static_cast<int32_t>(millidegrees / 10);
    return true;
}

int StdinConsole::read(char* buffer, size_t capacity) {
    if (!open_ || !readable(STDIN_FILENO)) return 0;
    const ssize_t got = ::read(STDIN_FILENO, buffer, capacity);
    if (got > 0) return static_cast<int>(got);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    open_ = false;  // end of file or a failed stdin: no console, keep reading the meter
    return -1;
}

}  // namespace host
