// The broker link on the emulated board: a ByteStream over a host pty that the bench
// bridges to TCP (bench/dut/qemu_link.py), where the board would use WiFiClient.
//
// Semihosting can open a path but not a socket, so connecting, closing and the peer
// closing travel in-band: an escape byte followed by a code. A data byte equal to the
// escape byte is sent as escape + kLiteral. The codes must match the bridge's.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../core/platform.h"

namespace lx106 {

namespace link {
constexpr uint8_t kEscape = 0xDB;
constexpr uint8_t kLiteral = 0xDD;  // the escape byte as data, both ways
constexpr uint8_t kOpen = 0x01;     // board -> bridge: "host:port\n" follows
constexpr uint8_t kClose = 0x02;    // board -> bridge: drop the connection
constexpr uint8_t kUp = 0x11;       // bridge -> board: connected
constexpr uint8_t kFailed = 0x12;   // bridge -> board: the connection failed
constexpr uint8_t kClosed = 0x13;   // bridge -> board: the peer closed
}  // namespace link

class LinkStream : public han::ByteStream {
public:
    // fd: the bridge's pty, opened read-write.
    explicit LinkStream(int fd) : fd_(fd) {}

    bool open(const char* host, uint16_t port) override;
    bool is_open() const override { return open_; }
    int read(uint8_t* buffer, size_t capacity) override;
    bool write(const uint8_t* data, size_t length) override;
    void close() override;

private:
    enum class Signal : uint8_t { None, Up, Failed, Closed };
    // Decodes raw bytes from the bridge into out; stops at a signal, returning it.
    Signal decode(const uint8_t* raw, size_t length, uint8_t* out, size_t& produced, size_t& consumed);
    bool send_control(uint8_t code);

    int fd_;
    bool open_ = false;
    bool escape_pending_ = false;  // the last raw byte read was the escape byte
};

}  // namespace lx106
