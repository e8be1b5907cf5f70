// Streaming deframer for wired M-Bus long frames (EN 13757-2) carrying DLMS:
//   68 L L 68 | C | A | CI | STSAP | DTSAP | APDU piece | CS | 16
// L counts C to the last APDU byte, CS is their sum modulo 256; the CI field numbers the
// pieces of one APDU (low four bits) and marks the last (bit 4).
#pragma once

#include <cstddef>
#include <cstdint>

namespace han {

// One whole, checked long frame; piece stays valid until the next push().
struct MbusFrame {
    const uint8_t* raw;  // 68 to 16, inclusive
    size_t raw_length;
    uint8_t control;
    uint8_t address;
    uint8_t number;  // the piece's place in its APDU, from 0
    bool last;
    const uint8_t* piece;
    size_t piece_length;
};

struct MbusStats {
    uint32_t frames = 0;
    uint32_t bad_frames = 0;  // a long-frame header whose checksum, stop byte or CI is wrong
};

// A candidate starts at 68 L L 68; anything that does not check out is skipped a byte at
// a time, so noise or a cut frame never hides the good frame behind it. Bytes of another
// framing (HDLC on the same input) are skipped silently: only a long-frame header counts.
class MbusDeframer {
public:
    // The longest long frame (L = 255); a byte more drops the oldest.
    static constexpr size_t kCapacity = 255 + 6;

    // Adds one received byte; true when a frame is ready in frame().
    bool push(uint8_t byte);
    // Done with frame(): true when the bytes behind it already hold another one.
    bool next();

    const MbusFrame& frame() const { return frame_; }
    const MbusStats& stats() const { return stats_; }

private:
    enum class Scan { NeedMore, Reject, Ready };

    bool scan();
    Scan check_candidate();
    void drop(size_t count);

    uint8_t buffer_[kCapacity];
    size_t length_ = 0;
    size_t consumed_ = 0;  // bytes of the emitted frame to drop on the next push
    MbusFrame frame_{};
    MbusStats stats_{};
};

}  // namespace han
