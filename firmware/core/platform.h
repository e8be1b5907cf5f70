// The abstract interfaces the core sees; each platform (host, ESP8266) implements them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace han {

// A connection-oriented byte stream to the broker (a TCP socket, a WiFiClient).
class ByteStream {
public:
    virtual ~ByteStream() = default;
    // Starts a connection; false when it failed at once (no route, refused).
    virtual bool open(const char* host, uint16_t port) = 0;
    virtual bool is_open() const = 0;
    // Bytes now available: > 0 read, 0 none yet, < 0 the peer closed or the link failed.
    virtual int read(uint8_t* buffer, size_t capacity) = 0;
    // Writes all bytes or fails (and the caller closes).
    virtual bool write(const uint8_t* data, size_t length) = 0;
    virtual void close() = 0;
};

// What the application needs from the board besides the broker link.
class Platform {
public:
    virtual ~Platform() = default;
    virtual uint32_t millis() = 0;         // monotonic, wraps after 49 days
    virtual uint32_t epoch_seconds() = 0;  // wall clock, 0 when unknown (no NTP yet)
    virtual void log(const char* line) = 0;
    virtual void console_write(const char* line) = 0;
    virtual bool save_settings(const char* text) = 0;
    virtual void apply_serial(bool even_parity) = 0;  // 8E1 when true, else 8N1
    virtual void reboot() = 0;
    virtual const char* device_id() = 0;   // the MAC on the ESP8266, a host id on the host
};

}  // namespace han
