// A board for the fuzz targets: ports that accept everything and keep nothing, a broker
// link that replays the fuzzer's bytes, and a reader over them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../host/mbed_crypto.h"
#include "platform.h"
#include "reader.h"

namespace fuzz {

class QuietPlatform : public han::Platform {
public:
    uint32_t millis() override { return now_ms += 7; }
    uint32_t epoch_seconds() override { return 1700000000; }
    void log(const char*) override {}
    void console_write(const char*) override {}
    bool save_settings(const char* text) override { return std::strlen(text) > 0 && (saves++ & 3) != 3; }
    void apply_serial(bool) override {}
    void reboot() override {}
    const char* device_id() override { return "fuzz-board"; }
    int load_settings(char* buffer, size_t) override { return buffer[0] = '\0', 0; }

    uint32_t now_ms = 0;
    uint32_t saves = 0;
};

// The broker's side of the link: hands out the fuzzer's bytes a few at a time, takes every write.
class ReplayStream : public han::ByteStream {
public:
    void load(const uint8_t* data, size_t size) {
        data_ = data;
        size_ = size;
        at_ = 0;
    }
    bool open(const char*, uint16_t) override { return open_ = true; }
    bool is_open() const override { return open_; }
    int read(uint8_t* buffer, size_t capacity) override {
        if (at_ >= size_) return 0;
        // Chunks of 1 to 64 bytes: a packet split anywhere, as TCP may split it.
        size_t n = 1 + (data_[at_] & 63);
        if (n > capacity) n = capacity;
        if (n > size_ - at_) n = size_ - at_;
        std::memcpy(buffer, data_ + at_, n);
        at_ += n;
        return static_cast<int>(n);
    }
    bool write(const uint8_t*, size_t) override { return true; }
    void close() override { open_ = false; }
    bool drained() const { return at_ >= size_; }

private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t at_ = 0;
    bool open_ = false;
};

// Settings every target starts from: a command topic and a secret, so signed paths are reached.
inline han::Settings fuzz_settings() {
    han::Settings settings;
    std::strcpy(settings.mqtt_host, "broker");
    std::strcpy(settings.command_topic, "c");
    std::strcpy(settings.command_secret, "0123456789abcdef");
    return settings;
}

// A fresh one per input: no state carries over, so every finding replays from its input alone.
struct Board {
    Board() { app.start(); }
    QuietPlatform platform;
    ReplayStream stream;
    host::MbedCrypto crypto;
    han::ReaderApp app{platform, stream, fuzz_settings(), crypto};
};

}  // namespace fuzz
