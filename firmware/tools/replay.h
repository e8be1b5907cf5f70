// Captured frames through the reader, with the board replaced by a script: the same
// source builds for the host and for the emulated lx106, so the two builds can be
// held to the same output byte for byte (hanreplay) and timed on the lx106 (hancycles).
// POSIX file calls only (open/read/write), which the lx106 image maps to semihosting.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform.h"

namespace replay {

// Frames from a capture file: lines "<time or ->\t<HEX>" or bare hex, # comments skipped.
class CaptureReader {
public:
    static constexpr size_t kMaxFrame = 1024;  // the deframer's own capacity

    // False when the path cannot be opened.
    bool open(const char* path);
    // The next frame into frame()/length(); false at the end or on a line that is not hex.
    bool next();
    const uint8_t* frame() const { return frame_; }
    size_t length() const { return length_; }
    // Why next() stopped: nullptr at a clean end, else what was wrong.
    const char* error() const { return error_; }

private:
    bool read_line();
    int fill();

    int fd_ = -1;
    char chunk_[4096];
    size_t chunk_used_ = 0;
    size_t chunk_at_ = 0;
    char line_[2 * kMaxFrame + 64];
    uint8_t frame_[kMaxFrame];
    size_t length_ = 0;
    const char* error_ = nullptr;
};

// A clock the script moves; no wall clock, one fixed id: both builds see the same board.
class ScriptedPlatform : public han::Platform {
public:
    uint32_t millis() override { return now_ms; }
    uint32_t epoch_seconds() override { return 0; }
    void log(const char*) override {}
    void console_write(const char*) override {}
    bool save_settings(const char*) override { return true; }
    void apply_serial(bool) override {}
    void reboot() override {}
    const char* device_id() override { return "replay"; }
    int load_settings(char*, size_t) override { return 0; }

    uint32_t now_ms = 0;
};

// The scripted board holds no command secret and gets no commands: an HMAC it is asked
// for is refused, identically on both CPUs.
class RefusingCrypto : public han::Crypto {
public:
    bool hmac_sha256(const uint8_t*, size_t, const uint8_t*, size_t, uint8_t*) override { return false; }
};

// The meter UART, handing over one frame's bytes at a time.
class ScriptedMeter : public han::MeterInput {
public:
    void give(const uint8_t* bytes, size_t length) {
        next_ = bytes;
        left_ = length;
    }
    int read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) override;

private:
    const uint8_t* next_ = nullptr;
    size_t left_ = 0;
};

// A broker that accepts the connection, answers pings and keeps every byte the reader
// sends, in order, written to a file descriptor (or dropped when it is negative).
class RecordingBroker : public han::ByteStream {
public:
    explicit RecordingBroker(int out_fd) : out_fd_(out_fd) {}
    ~RecordingBroker() override { flush(); }

    bool open(const char*, uint16_t) override { return open_ = true; }
    bool is_open() const override { return open_; }
    // The answers due: a CONNACK for each CONNECT, a PINGRESP for each PINGREQ.
    int read(uint8_t* buffer, size_t capacity) override;
    bool write(const uint8_t* data, size_t length) override;
    void close() override { open_ = false; }
    // Writes what is buffered; false when the file refused it.
    bool flush();

    size_t written() const { return written_; }

private:
    // Follows the packets' framing byte by byte to see where each one starts.
    void track(uint8_t byte);
    void answer(const uint8_t* packet, size_t length);

    int out_fd_;
    bool open_ = false;
    enum class Expect : uint8_t { Type, Length, Body } expect_ = Expect::Type;
    uint8_t packet_type_ = 0;
    uint32_t remaining_ = 0;
    uint32_t length_shift_ = 0;
    uint8_t answers_[16];
    size_t answered_ = 0;
    uint8_t buffer_[4096];
    size_t buffered_ = 0;
    size_t written_ = 0;
};

}  // namespace replay
