#include "reader_loop.h"

namespace han {

bool ConsoleLines::push(char c) {
    if (ended_) {
        used_ = 0;
        ended_ = false;
    }
    if (c == '\n' || c == '\r') {
        line_[used_] = '\0';
        ended_ = used_ > 0;
        return ended_;
    }
    if (used_ + 1 < sizeof(line_)) line_[used_++] = c;
    return false;
}

void write_mac(const uint8_t* mac, TextBuffer& out) {
    static const char kDigits[] HAN_FLASH = "0123456789abcdef";
    for (size_t i = 0; i < 6; ++i) {
        if (i > 0) out.add(':');
        out.add(flash_char(as_flash_text(kDigits), mac[i] >> 4)).add(flash_char(as_flash_text(kDigits), mac[i] & 0x0F));
    }
}

ReaderLoop::ReaderLoop(ReaderApp& app, Platform& platform, MeterInput& meter, ConsoleInput* console,
                       Thermometer* thermometer)
    : app_(app), platform_(platform), meter_(meter), console_(console), thermometer_(thermometer) {}

void ReaderLoop::poll() {
    const uint32_t now_ms = platform_.millis();
    read_meter(now_ms);
    if (console_) read_console();
    if (thermometer_) read_temperature(now_ms);
    if (platform_.network_up()) app_.loop();
}

void ReaderLoop::read_meter(uint32_t now_ms) {
    // A small buffer, read again while it comes back full: 64 bytes on the ESP8266's 4 KiB
    // loop stack, and up to 512 a pass for a host line driven far above 2400 baud.
    constexpr int kChunksPerPass = 8;
    uint8_t bytes[64];
    bool got_any = false;
    for (int chunk = 0; chunk < kChunksPerPass; ++chunk) {
        uint32_t parity_errors = 0;
        const int got = meter_.read(bytes, sizeof(bytes), parity_errors);
        const size_t length = got > 0 ? static_cast<size_t>(got) : 0;
        if (length == 0 && parity_errors == 0) break;
        app_.on_serial_bytes(bytes, length, parity_errors);
        got_any = true;
        if (length < sizeof(bytes)) break;
    }
    if (got_any) {
        last_byte_ms_ = now_ms;
        idle_pending_ = true;
    } else if (idle_pending_ && now_ms - last_byte_ms_ >= kMeterIdleMs) {
        idle_pending_ = false;
        app_.on_serial_idle();
    }
}

void ReaderLoop::read_console() {
    char data[32];
    const int got = console_->read(data, sizeof(data));
    if (got < 0) {
        console_ = nullptr;  // closed for good: keep reading the meter
        return;
    }
    ConsoleReplySink sink(platform_);
    for (int i = 0; i < got; ++i) {
        if (lines_.push(data[i])) run_console_command(app_, lines_.line(), sink);
    }
}

void ReaderLoop::read_temperature(uint32_t now_ms) {
    if (temperature_started_ && now_ms - last_temperature_ms_ < kTemperatureEveryMs) return;
    temperature_started_ = true;
    last_temperature_ms_ = now_ms;
    int32_t centi_celsius = 0;
    if (!thermometer_->sample(centi_celsius)) return;
    Quantity celsius;
    celsius.mantissa = centi_celsius;
    celsius.exponent = -2;
    app_.set_measured_temperature(celsius);
}

}  // namespace han
