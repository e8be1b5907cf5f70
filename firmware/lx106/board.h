// The core's Platform on the emulated lx106: the cycle counter for time, the
// semihosting console for the log and the console, a host file for the settings.
#pragma once

#include "../core/platform.h"

namespace lx106 {

// The rate of CCOUNT in QEMU's lx106 core configuration (its XCHAL_CLOCK_FREQ): 40 MHz
// of QEMU's virtual time, which tracks the host's clock unless -icount is given. The
// board's CPU runs at 80 MHz; only the rate the counter is read at matters for millis().
constexpr uint32_t kCcountHz = 40000000;

uint32_t read_ccount();

// CCOUNT wraps every 107 s at 40 MHz: millis() extends it on every call, which the
// loop makes many times a second.
class Clock {
public:
    uint32_t millis();

private:
    static constexpr uint32_t kTicksPerMs = kCcountHz / 1000;
    uint32_t last_ccount_ = 0;
    uint32_t pending_ticks_ = 0;  // counted but not yet a whole millisecond
    uint32_t millis_ = 0;
};

class Board : public han::Platform {
public:
    Board(Clock& clock, const char* settings_path, const char* device_id)
        : clock_(clock), settings_path_(settings_path), device_id_(device_id) {}

    // Time from CCOUNT; no NTP on the emulated board, so the wall clock is unknown.
    uint32_t millis() override { return clock_.millis(); }
    uint32_t epoch_seconds() override { return 0; }
    const char* device_id() override { return device_id_; }
    // Log and console share the semihosting console, as they share Serial1 on the board.
    void log(const char* line) override;
    void console_write(const char* line) override;
    // The settings file (the board's LittleFS file) and the (absent) UART.
    bool save_settings(const char* text) override;
    int load_settings(char* buffer, size_t capacity) override;
    void apply_serial(bool even_parity) override;
    // Sets a flag: main() resets the image once the loop pass is over.
    void reboot() override { reboot_requested_ = true; }

    bool reboot_requested() const { return reboot_requested_; }

private:
    Clock& clock_;
    const char* settings_path_;
    const char* device_id_;
    bool reboot_requested_ = false;
};

// The Crypto port without a library: Debian ships BearSSL and mbedTLS for the host only,
// and nothing offline brings their sources for the lx106, so every HMAC "fails" and the
// core refuses every signed command on the emulated board (it reads, it never obeys).
class NoHmacLibrary : public han::Crypto {
public:
    bool hmac_sha256(const uint8_t*, size_t, const uint8_t*, size_t, uint8_t*) override { return false; }
};

// Writes one line and a newline on the semihosting console.
void console_line(const char* line);

// The host file at path into buffer, NUL-terminated: its length, 0 when there is no file,
// < 0 when it cannot be read whole into capacity - 1 bytes.
int read_host_file(const char* path, char* buffer, size_t capacity);

}  // namespace lx106
