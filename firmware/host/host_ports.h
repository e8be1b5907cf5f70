// The core's meter and console ports on a POSIX host: the tty (reopened when it goes away) and stdin.
#pragma once

#include <string>

#include "../core/platform.h"
#include "tty.h"

namespace host {

class TtyMeter : public han::MeterInput {
public:
    TtyMeter(Tty& tty, const std::string& path, han::Platform& platform) : tty_(tty), path_(path), platform_(platform) {}
    // Never < 0: a hang-up closes the tty and it is reopened here every second, at the parity last set.
    int read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) override;

private:
    Tty& tty_;
    std::string path_;
    han::Platform& platform_;
    uint32_t reopen_at_ms_ = 0;
};

// A DS18B20 through Linux's w1-therm driver: its "temperature" file holds millidegrees C
// (/sys/bus/w1/devices/28-*/temperature on a Raspberry Pi).
class W1Thermometer : public han::Thermometer {
public:
    explicit W1Thermometer(const std::string& path) : path_(path) {}
    bool sample(int32_t& centi_celsius) override;

private:
    std::string path_;
};

class StdinConsole : public han::ConsoleInput {
public:
    int read(char* buffer, size_t capacity) override;
    // False after end of file: stdin is then left out of poll(), which would report it forever.
    bool open() const { return open_; }

private:
    bool open_ = true;
};

}  // namespace host
