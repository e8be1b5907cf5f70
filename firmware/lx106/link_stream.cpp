#include "link_stream.h"

#include <stdio.h>

#include "semihosting.h"

namespace lx106 {

namespace {

// How long open() waits for the bridge's answer: the host build's TCP connect timeout.
constexpr uint32_t kConnectTimeoutUs = 3000000;

}  // namespace

bool LinkStream::send_control(uint8_t code) {
    const uint8_t bytes[2] = {link::kEscape, code};
    return write_all(fd_, bytes, sizeof(bytes));
}

bool LinkStream::open(const char* host, uint16_t port) {
    close();
    char request[96];
    const int length = snprintf(request, sizeof(request), "%s:%u\n", host, static_cast<unsigned>(port));
    if (length <= 0 || static_cast<size_t>(length) >= sizeof(request)) return false;
    if (!send_control(link::kOpen) || !write_all(fd_, request, static_cast<size_t>(length))) return false;
    // Bytes of an earlier connection still in the pty are dropped until the answer.
    while (readable(fd_, kConnectTimeoutUs)) {
        uint8_t raw;
        if (read_host(fd_, &raw, 1) != 1) return false;
        size_t produced = 0, consumed = 0;
        uint8_t ignored;
        const Signal signal = decode(&raw, 1, &ignored, produced, consumed);
        if (signal == Signal::Up) return open_ = true;
        if (signal == Signal::Failed) return false;
    }
    return false;
}

int LinkStream::read(uint8_t* buffer, size_t capacity) {
    if (!open_) return -1;
    if (capacity == 0 || !readable(fd_, 0)) return 0;
    // One raw byte yields at most one data byte, so a raw read of capacity fits.
    uint8_t raw[128];
    const size_t want = capacity < sizeof(raw) ? capacity : sizeof(raw);
    const int got = read_host(fd_, raw, want);
    if (got <= 0) return -1;
    size_t produced = 0, consumed = 0;
    const Signal signal = decode(raw, static_cast<size_t>(got), buffer, produced, consumed);
    if (signal == Signal::Closed) {
        open_ = false;  // what followed belongs to no connection
        return produced > 0 ? static_cast<int>(produced) : -1;
    }
    return static_cast<int>(produced);
}

LinkStream::Signal LinkStream::decode(const uint8_t* raw, size_t length, uint8_t* out, size_t& produced,
                                      size_t& consumed) {
    for (consumed = 0; consumed < length;) {
        const uint8_t byte = raw[consumed++];
        if (!escape_pending_) {
            if (byte == link::kEscape) {
                escape_pending_ = true;
            } else {
                out[produced++] = byte;
            }
            continue;
        }
        escape_pending_ = false;
        if (byte == link::kLiteral) out[produced++] = link::kEscape;
        if (byte == link::kUp) return Signal::Up;
        if (byte == link::kFailed) return Signal::Failed;
        if (byte == link::kClosed) return Signal::Closed;
    }
    return Signal::None;
}

bool LinkStream::write(const uint8_t* data, size_t length) {
    if (!open_) return false;
    uint8_t chunk[128];
    size_t used = 0;
    for (size_t i = 0; i < length; ++i) {
        if (used + 2 > sizeof(chunk)) {
            if (!write_all(fd_, chunk, used)) return false;
            used = 0;
        }
        if (data[i] == link::kEscape) {
            chunk[used++] = link::kEscape;
            chunk[used++] = link::kLiteral;
        } else {
            chunk[used++] = data[i];
        }
    }
    return write_all(fd_, chunk, used);
}

void LinkStream::close() {
    if (open_) send_control(link::kClose);
    open_ = false;
}

}  // namespace lx106
