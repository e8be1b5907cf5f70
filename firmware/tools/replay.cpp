#include "replay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace replay {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

constexpr uint8_t kConnect = 1;
constexpr uint8_t kPingreq = 12;
const uint8_t kConnack[] = {0x20, 0x02, 0x00, 0x00};  // no session present, accepted
const uint8_t kPingresp[] = {0xD0, 0x00};

}  // namespace

bool CaptureReader::open(const char* path) {
    fd_ = ::open(path, O_RDONLY);
    return fd_ >= 0;
}

int CaptureReader::fill() {
    const ssize_t got = ::read(fd_, chunk_, sizeof(chunk_));
    chunk_used_ = got > 0 ? static_cast<size_t>(got) : 0;
    chunk_at_ = 0;
    return static_cast<int>(got);
}

bool CaptureReader::read_line() {
    size_t used = 0;
    for (;;) {
        if (chunk_at_ == chunk_used_ && fill() <= 0) {
            line_[used] = '\0';
            return used > 0;
        }
        const char c = chunk_[chunk_at_++];
        if (c == '\n') break;
        if (used + 1 >= sizeof(line_)) {
            error_ = "a capture line longer than a frame of 1024 bytes";
            return false;
        }
        line_[used++] = c;
    }
    line_[used] = '\0';
    return true;
}

bool CaptureReader::next() {
    while (read_line()) {
        if (line_[0] == '\0' || line_[0] == '#') continue;
        const char* tab = std::strchr(line_, '\t');
        const char* hex = tab ? tab + 1 : line_;
        length_ = 0;
        for (size_t i = 0; hex[i] != '\0' && hex[i] != '\r'; i += 2) {
            const int high = hex_digit(hex[i]);
            const int low = high < 0 ? -1 : hex_digit(hex[i + 1]);
            if (low < 0) {
                error_ = "a capture line that is not hex";
                return false;
            }
            frame_[length_++] = static_cast<uint8_t>(high << 4 | low);
        }
        return true;
    }
    return false;
}

int ScriptedMeter::read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) {
    parity_errors = 0;
    const size_t take = left_ < capacity ? left_ : capacity;
    std::memcpy(buffer, next_, take);
    next_ += take;
    left_ -= take;
    return static_cast<int>(take);
}

int RecordingBroker::read(uint8_t* buffer, size_t capacity) {
    if (!open_) return -1;
    const size_t take = answered_ < capacity ? answered_ : capacity;
    std::memcpy(buffer, answers_, take);
    std::memmove(answers_, answers_ + take, answered_ - take);
    answered_ -= take;
    return static_cast<int>(take);
}

void RecordingBroker::answer(const uint8_t* packet, size_t length) {
    if (answered_ + length > sizeof(answers_)) return;
    std::memcpy(answers_ + answered_, packet, length);
    answered_ += length;
}

void RecordingBroker::track(uint8_t byte) {
    switch (expect_) {
    case Expect::Type:
        packet_type_ = byte >> 4;
        remaining_ = 0;
        length_shift_ = 0;
        expect_ = Expect::Length;
        return;
    case Expect::Length:
        remaining_ |= static_cast<uint32_t>(byte & 0x7F) << length_shift_;
        length_shift_ += 7;
        if (byte & 0x80) return;
        if (packet_type_ == kConnect) answer(kConnack, sizeof(kConnack));
        if (packet_type_ == kPingreq) answer(kPingresp, sizeof(kPingresp));
        expect_ = remaining_ > 0 ? Expect::Body : Expect::Type;
        return;
    case Expect::Body:
        if (--remaining_ == 0) expect_ = Expect::Type;
        return;
    }
}

bool RecordingBroker::write(const uint8_t* data, size_t length) {
    if (!open_) return false;
    for (size_t i = 0; i < length; ++i) track(data[i]);
    written_ += length;
    if (out_fd_ < 0) return true;
    while (length > 0) {
        if (buffered_ == sizeof(buffer_) && !flush()) return false;
        const size_t room = sizeof(buffer_) - buffered_;
        const size_t take = length < room ? length : room;
        std::memcpy(buffer_ + buffered_, data, take);
        buffered_ += take;
        data += take;
        length -= take;
    }
    return true;
}

bool RecordingBroker::flush() {
    size_t done = 0;
    while (out_fd_ >= 0 && done < buffered_) {
        const ssize_t wrote = ::write(out_fd_, buffer_ + done, buffered_ - done);
        if (wrote <= 0) return false;
        done += static_cast<size_t>(wrote);
    }
    buffered_ = 0;
    return true;
}

}  // namespace replay
