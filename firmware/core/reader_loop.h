// The reader's main loop, the same on every board: each platform adapts its UART,
// console, sensor and sockets to the ports in platform.h and calls poll() often.
#pragma once

#include <cstddef>
#include <cstdint>

#include "console.h"
#include "platform.h"
#include "reader.h"

namespace han {

// A quiet meter line for this long ends a frame: about 14 byte times at 2400 baud, far
// shorter than the gap between two pushes.
constexpr uint32_t kMeterIdleMs = 60;
// How often the thermometer is read; a DS18B20 conversion takes 750 ms at 12 bits.
constexpr uint32_t kTemperatureEveryMs = 10000;

// Console bytes into command lines. '\r', '\n' or both end a line; an empty line is none.
// A line longer than kMaxCommandLine keeps one character more than the console runs, so
// the console refuses it whole instead of running it cut short.
class ConsoleLines {
public:
    // True when c ended a line: line() holds it until the next push().
    bool push(char c);
    const char* line() const { return line_; }

private:
    char line_[kMaxCommandLine + 2] = "";
    size_t used_ = 0;
    bool ended_ = false;
};

// Replies to console commands go back on the console.
class ConsoleReplySink : public ReplySink {
public:
    explicit ConsoleReplySink(Platform& platform) : platform_(platform) {}
    void reply(const char* line) override { platform_.console_write(line); }

private:
    Platform& platform_;
};

// A MAC as the board's id, "aa:bb:cc:dd:ee:ff": lower case, as esptool reads it from the
// chip and as the station's limits expect (the ESP8266 core's macAddress() prints upper case).
void write_mac(const uint8_t* mac, TextBuffer& out);

class ReaderLoop {
public:
    // console and thermometer may be null: a board without them.
    ReaderLoop(ReaderApp& app, Platform& platform, MeterInput& meter, ConsoleInput* console,
               Thermometer* thermometer);

    // One pass: meter bytes (and the idle gap that ends a frame), console lines, the
    // thermometer's cadence, then the broker link when the network is up.
    void poll();

private:
    void read_meter(uint32_t now_ms);
    void read_console();
    void read_temperature(uint32_t now_ms);

    ReaderApp& app_;
    Platform& platform_;
    MeterInput& meter_;
    ConsoleInput* console_;
    Thermometer* thermometer_;
    ConsoleLines lines_;
    uint32_t last_byte_ms_ = 0;
    bool idle_pending_ = false;
    bool temperature_started_ = false;
    uint32_t last_temperature_ms_ = 0;
};

}  // namespace han
