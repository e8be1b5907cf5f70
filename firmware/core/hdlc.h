// Streaming HDLC (frame format type 3) deframer for meter push frames.
#pragma once

#include <cstddef>
#include <cstdint>

namespace han {

// One whole, checked frame. The pointers stay valid until the next push().
struct HdlcFrame {
    const uint8_t* raw;      // opening flag to closing flag, inclusive
    size_t raw_length;
    const uint8_t* info;     // the information field (LLC header onwards)
    size_t info_length;
    bool segmented;          // the format field's segmentation bit: more of this list follows
};

// Counters of what the line delivered; the status command and the log report them.
struct HdlcStats {
    uint32_t frames = 0;
    uint32_t bad_hcs = 0;
    uint32_t bad_fcs = 0;
    uint32_t truncated = 0;     // a closing flag missing where the length said it would be
    uint32_t oversize = 0;      // a length field larger than the buffer
    uint32_t garbage_bytes = 0; // bytes dropped outside any frame
};

// Finds frames by their length field, not by flags: DLMS push frames are not
// byte-stuffed, so 0x7E appears inside payloads. Every byte after a rejected
// candidate's opening flag is kept and rescanned, so a truncated or corrupt
// frame never swallows the good frame behind it.
class HdlcDeframer {
public:
    // The longest frame any of these meters sends is Aidon's three-phase list 3
    // (396 bytes); 896 bytes hold it and the start of the next one twice over, and
    // any frame whose length field says more than 894 is counted as oversize. Longer
    // lists come in segments (ListAssembler joins them).
    static constexpr size_t kCapacity = 896;

    // Adds one received byte; true when a frame is ready in frame().
    bool push(uint8_t byte);

    // Done with frame(): true when the bytes behind it already hold another one.
    bool next();

    // The line went quiet for several byte times: if a whole frame sits behind a
    // candidate still waiting for bytes, the candidate was truncated. True when
    // that uncovered a ready frame.
    bool idle();

    const HdlcFrame& frame() const { return frame_; }
    const HdlcStats& stats() const { return stats_; }

private:
    enum class Scan { NeedMore, Reject, Ready };

    bool scan();
    // Examines the frame that would start at buffer_[start]; counts and stores it only when record.
    Scan check_candidate(size_t start, bool record);
    void drop(size_t count, bool garbage);
    void release_frame();

    uint8_t buffer_[kCapacity];
    size_t length_ = 0;
    size_t consumed_after_frame_ = 0;  // bytes of the emitted frame to drop on the next push
    HdlcFrame frame_{};
    HdlcStats stats_{};
};

}  // namespace han
