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
    virtual void apply_serial(bool even_parity) = 0;  // 8E1 when true, else 8N1, at 2400 baud
    // The line's rate as well (2400, 9600 or 115200); a board whose UART keeps one rate
    // keeps this default, and the serial detector's other rates then read what 2400 reads.
    virtual void apply_line(uint32_t baud, bool even_parity) {
        (void)baud;
        apply_serial(even_parity);
    }
    virtual void reboot() = 0;
    virtual const char* device_id() = 0;   // the MAC on the ESP8266, a host id on the host
    // The stored settings text into buffer (NUL-terminated): its length, 0 when there is
    // none yet (first boot), < 0 when it is there but cannot be read (the portal starts).
    virtual int load_settings(char* buffer, size_t capacity) = 0;
    // Whether the link to the broker's network is up (WiFi joined); the host is always on one.
    virtual bool network_up() { return true; }
};

// The meter's UART receiver.
class MeterInput {
public:
    virtual ~MeterInput() = default;
    // Bytes received since the last call, at most capacity; parity_errors gets the bytes the
    // UART flagged since. < 0 when the line is gone (a host tty hung up): the core stops
    // reading until the platform reopens it.
    virtual int read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) = 0;
};

// Where console command lines come from: the UART the station talks to, stdin on the host.
class ConsoleInput {
public:
    virtual ~ConsoleInput() = default;
    // > 0 bytes read, 0 none yet, < 0 closed for good (no console: the meter is still read).
    virtual int read(char* buffer, size_t capacity) = 0;
};

// A temperature sensor (the DS18B20 on the board) that converts in the background.
class Thermometer {
public:
    virtual ~Thermometer() = default;
    // Reads the conversion started by the previous call and starts the next; false when
    // there is no reading (no sensor, a disconnected one, the first call).
    virtual bool sample(int32_t& centi_celsius) = 0;
};

// The keyed hash that proves a command came from someone holding the board's command
// secret, and the cipher of encrypted meters. A well-kept library does the hashing (mbedTLS on the host, the BearSSL the
// ESP8266 Arduino core ships); the core never hashes or ciphers by hand.
class Crypto {
public:
    static constexpr size_t kHmacSha256Size = 32;
    virtual ~Crypto() = default;
    // HMAC-SHA256(key, message) into out (kHmacSha256Size bytes); false when the library failed.
    virtual bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                             uint8_t* out) = 0;

    // AES-128-GCM, for meters that cipher their push (DLMS security suite 0).
    static constexpr size_t kAesKeySize = 16;
    static constexpr size_t kGcmIvSize = 12;
    enum class GcmResult : uint8_t { Ok, BadTag, Unavailable };
    // Deciphers data (length bytes) in place under key and iv (system title + frame counter).
    // With a tag (tag_length > 0) the additional data aad and the tag are checked first and
    // BadTag leaves data unusable; with none (encryption only) nothing is checked. A board
    // whose library lacks GCM keeps this default and ciphered frames are refused.
    virtual GcmResult aes128_gcm_decrypt(const uint8_t* key, const uint8_t* iv, const uint8_t* aad, size_t aad_length,
                                         uint8_t* data, size_t length, const uint8_t* tag, size_t tag_length) {
        (void)key, (void)iv, (void)aad, (void)aad_length, (void)data, (void)length, (void)tag, (void)tag_length;
        return GcmResult::Unavailable;
    }
};

}  // namespace han
