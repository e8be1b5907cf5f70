#include "hdlc.h"

#include <cstring>

#include "crc16.h"

namespace han {

namespace {

constexpr uint8_t kFlag = 0x7E;
constexpr uint8_t kSegmented = 0x08;  // in the format field's first byte (A8 rather than A0)
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
    if (scan()) return true;
    // The candidate at the front still waits for bytes. It may be a truncated frame
    // with a whole frame behind it, or a frame whose sender merely paused (a busy
    // pty writer): keep it unless a complete frame is found behind its opening flag.
    for (size_t start = 1; start < length_; ++start) {
        if (buffer_[start] != kFlag || check_candidate(start, false) != Scan::Ready) continue;
        ++stats_.truncated;
        drop(start, false);
        return scan();
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
        switch (check_candidate(0, true)) {
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

HdlcDeframer::Scan HdlcDeframer::check_candidate(size_t start, bool record) {
    const uint8_t* at = buffer_ + start;
    const size_t available = length_ - start;
    if (available < 2) return Scan::NeedMore;
    if (at[1] == kFlag) return Scan::Reject;  // a closing flag followed by an opening one
    if ((at[1] & 0xF0) != 0xA0) return Scan::Reject;
    if (available < 3) return Scan::NeedMore;
    const size_t frame_length = (static_cast<size_t>(at[1] & 0x07) << 8) | at[2];
    if (frame_length < kMinFrameLength) return Scan::Reject;
    if (frame_length + 2 > kCapacity) {
        if (record) ++stats_.oversize;
        return Scan::Reject;
    }
    if (available < frame_length + 2) return Scan::NeedMore;
    if (at[frame_length + 1] != kFlag) {
        if (record) ++stats_.truncated;
        return Scan::Reject;
    }
    const uint8_t* body = at + 1;
    const size_t dst = address_length(body + 2, frame_length - 2);
    const size_t src = dst ? address_length(body + 2 + dst, frame_length - 2 - dst) : 0;
    const size_t header = 2 + dst + src + 1;  // format, addresses, control
    if (src == 0 || header + 2 + 2 > frame_length) return Scan::Reject;
    if (crc16_x25(body, frame_length - 2) != read_le16(body + frame_length - 2)) {
        if (record) ++stats_.bad_fcs;
        return Scan::Reject;
    }
    const bool has_info = header + 2 + 2 < frame_length;
    if (has_info && crc16_x25(body, header) != read_le16(body + header)) {
        if (record) ++stats_.bad_hcs;
        return Scan::Reject;
    }
    if (!record) return Scan::Ready;
    frame_.raw = at;
    frame_.raw_length = frame_length + 2;
    frame_.info = has_info ? body + header + 2 : nullptr;
    frame_.info_length = has_info ? frame_length - header - 4 : 0;
    frame_.segmented = (at[1] & kSegmented) != 0;
    ++stats_.frames;
    // Keep the closing flag: meters may share it as the next frame's opening flag.
    consumed_after_frame_ = start + frame_length + 1;
    return Scan::Ready;
}

}  // namespace han
