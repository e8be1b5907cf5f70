#include "mbus.h"

#include <cstring>

namespace han {

namespace {

constexpr uint8_t kStart = 0x68;
constexpr uint8_t kStop = 0x16;
constexpr uint8_t kLast = 0x10;
constexpr uint8_t kNumber = 0x0F;
constexpr size_t kMinL = 5;  // C, A, CI, STSAP, DTSAP

}  // namespace

bool MbusDeframer::push(uint8_t byte) {
    drop(consumed_);
    consumed_ = 0;
    if (length_ == kCapacity) drop(1);
    buffer_[length_++] = byte;
    return scan();
}

bool MbusDeframer::next() {
    drop(consumed_);
    consumed_ = 0;
    return scan();
}

void MbusDeframer::drop(size_t count) {
    if (count > length_) count = length_;
    std::memmove(buffer_, buffer_ + count, length_ - count);
    length_ -= count;
}

bool MbusDeframer::scan() {
    for (;;) {
        size_t start = 0;
        while (start < length_ && buffer_[start] != kStart) ++start;
        drop(start);
        switch (check_candidate()) {
        case Scan::NeedMore:
            return false;
        case Scan::Ready:
            return true;
        case Scan::Reject:
            drop(1);
            break;
        }
    }
}

MbusDeframer::Scan MbusDeframer::check_candidate() {
    if (length_ < 4) return Scan::NeedMore;
    const size_t l_field = buffer_[1];
    if (buffer_[3] != kStart || buffer_[2] != l_field || l_field < kMinL) return Scan::Reject;
    const size_t size = l_field + 6;
    if (length_ < size) return Scan::NeedMore;
    const uint8_t* body = buffer_ + 4;
    uint8_t sum = 0;
    for (size_t i = 0; i < l_field; ++i) sum = static_cast<uint8_t>(sum + body[i]);
    const uint8_t ci = body[2];
    if (buffer_[size - 1] != kStop || buffer_[size - 2] != sum || ci > (kLast | kNumber)) {
        ++stats_.bad_frames;
        return Scan::Reject;
    }
    frame_ = {buffer_, size, body[0], body[1], static_cast<uint8_t>(ci & kNumber), (ci & kLast) != 0, body + kMinL, l_field - kMinL};
    ++stats_.frames;
    consumed_ = size;
    return Scan::Ready;
}

}  // namespace han
