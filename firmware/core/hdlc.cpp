#include "hdlc.h"

#include <cstring>

#include "crc16.h"

namespace han {

namespace {

constexpr uint8_t kFlag = 0x7E;
constexpr size_t kMinFrameLength = 9;  // format(2) dst(1) src(1) ctrl(1) HCS(2) FCS(2)

uint16_t read_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

// Length of an HDLC address: bytes up to and including the one with its low bit set.
size_t address_length(const uint8_t* p, size_t available) {
    for (size_t i = 0; i < available && i < 4; ++i) {
        if (p[i] & 0x01) return i + 1;
    }
    return 0;
}

}  // namespace

bool HdlcDeframer::push(uint8_t byte) {
    release_frame();
    if (length_ == kCapacity) drop(1, false);
    buffer_[length_++] = byte;
    return scan();
}

bool HdlcDeframer::next() {
    release_frame();
    return scan();
}

bool HdlcDeframer::idle() {
    release_frame();
    // Whatever is buffered will not grow: a candidate that still needs bytes is
    // truncated. Reject it and look behind it for a complete frame.
    while (length_ > 0) {
        if (scan()) return true;
        if (length_ == 0) break;
        if (buffer_[0] == kFlag && length_ > 1) ++stats_.truncated;
        drop(1, buffer_[0] != kFlag);
    }
    return false;
}

void HdlcDeframer::release_frame() {
    if (consumed_after_frame_ == 0) return;
    drop(consumed_after_frame_, false);
    consumed_after_frame_ = 0;
}

void HdlcDeframer::drop(size_t count, bool garbage) {
    if (count > length_) count = length_;
    if (garbage) stats_.garbage_bytes += static_cast<uint32_t>(count);
    std::memmove(buffer_, buffer_ + count, length_ - count);
    length_ -= count;
}

bool HdlcDeframer::scan() {
    for (;;) {
        // Everything before the first flag is noise between frames.
        size_t start = 0;
        while (start < length_ && buffer_[start] != kFlag) ++start;
        if (start > 0) drop(start, true);
        if (length_ == 0) return false;
        switch (check_candidate()) {
        case Scan::NeedMore:
            return false;
        case Scan::Ready:
            return true;
        case Scan::Reject:
            drop(1, false);  // the flag was not a frame start: rescan behind it
            break;
        }
    }
}

HdlcDeframer::Scan HdlcDeframer::check_candidate() {
    if (length_ < 2) return Scan::NeedMore;
    if (buffer_[1] == kFlag) return Scan::Reject;  // a closing flag followed by an opening one
    if ((buffer_[1] & 0xF0) != 0xA0) return Scan::Reject;
    if (length_ < 3) return Scan::NeedMore;
    const size_t frame_length = (static_cast<size_t>(buffer_[1] & 0x07) << 8) | buffer_[2];
    if (frame_length < kMinFrameLength) return Scan::Reject;
    if (frame_length + 2 > kCapacity) {
        ++stats_.oversize;
        return Scan::Reject;
    }
    if (length_ < frame_length + 2) return Scan::NeedMore;
    if (buffer_[frame_length + 1] != kFlag) {
        ++stats_.truncated;
        return Scan::Reject;
    }
    const uint8_t* body = buffer_ + 1;
    const size_t dst = address_length(body + 2, frame_length - 2);
    const size_t src = dst ? address_length(body + 2 + dst, frame_length - 2 - dst) : 0;
    const size_t header = 2 + dst + src + 1;  // format, addresses, control
    if (src == 0 || header + 2 + 2 > frame_length) return Scan::Reject;
    if (crc16_x25(body, frame_length - 2) != read_le16(body + frame_length - 2)) {
        ++stats_.bad_fcs;
        return Scan::Reject;
    }
    const bool has_info = header + 2 + 2 < frame_length;
    if (has_info && crc16_x25(body, header) != read_le16(body + header)) {
        ++stats_.bad_hcs;
        return Scan::Reject;
    }
    frame_.raw = buffer_;
    frame_.raw_length = frame_length + 2;
    frame_.info = has_info ? body + header + 2 : nullptr;
    frame_.info_length = has_info ? frame_length - header - 4 : 0;
    ++stats_.frames;
    // Keep the closing flag: meters may share it as the next frame's opening flag.
    consumed_after_frame_ = frame_length + 1;
    return Scan::Ready;
}

}  // namespace han
