// The core's Platform on a POSIX host: clocks, logs, the config file, the tty.
#pragma once

#include <string>

#include "../core/platform.h"
#include "tty.h"

namespace host {

class HostPlatform : public han::Platform {
public:
    HostPlatform(Tty& tty, const std::string& config_path);

    uint32_t millis() override;
    uint32_t epoch_seconds() override;
    void log(const char* line) override;
    void console_write(const char* line) override;
    bool save_settings(const char* text) override;
    void apply_serial(bool even_parity) override;
    void apply_line(uint32_t baud, bool even_parity) override;
    void reboot() override { reboot_requested_ = true; }
    const char* device_id() override { return device_id_; }
    int load_settings(char* buffer, size_t capacity) override;

    bool reboot_requested() const { return reboot_requested_; }

private:
    Tty& tty_;
    std::string config_path_;
    uint64_t start_ns_;
    bool reboot_requested_ = false;
    char device_id_[24];
};

}  // namespace host
