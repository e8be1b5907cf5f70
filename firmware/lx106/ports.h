// The core's meter and console ports on the emulated board: host files through semihosting.
#pragma once

#include "../core/platform.h"

namespace lx106 {

// The simulator's pty as the meter UART; reopened every second after a hang-up, as the
// host build reopens its tty. A pty carries no parity errors.
class HostFileMeter : public han::MeterInput {
public:
    HostFileMeter(const char* path, han::Platform& platform) : path_(path), platform_(platform) {}
    bool open();
    int fd() const { return fd_; }
    void close();
    // Never < 0: a hang-up closes the file and the next calls reopen it.
    int read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) override;

private:
    const char* path_;
    han::Platform& platform_;
    int fd_ = -1;
    uint32_t reopen_at_ms_ = 0;
};

// The semihosting console (QEMU's -serial device) as console input.
class SemihostingConsole : public han::ConsoleInput {
public:
    int read(char* buffer, size_t capacity) override;
};

}  // namespace lx106
