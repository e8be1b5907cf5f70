#include "serial_detect.h"

namespace han {

void SerialDetector::reset(SerialMode mode) {
    automatic_ = mode == SerialMode::Auto;
    even_parity_ = mode != SerialMode::None8N1;
    locked_ = !automatic_;
    parity_errors_ = 0;
    bad_frames_ = 0;
}

bool SerialDetector::on_good_frame() {
    locked_ = true;
    parity_errors_ = 0;
    bad_frames_ = 0;
    return false;
}

bool SerialDetector::on_line_errors(uint32_t parity_errors, uint32_t bad_frames) {
    if (!automatic_) return false;
    parity_errors_ += parity_errors;
    bad_frames_ += bad_frames;
    const bool switch_now = locked_ ? bad_frames_ >= kBadFramesToUnlock
                                    : parity_errors_ >= kParityErrorsToSwitch || bad_frames_ >= kBadFramesToSwitch;
    if (!switch_now) return false;
    even_parity_ = !even_parity_;
    locked_ = false;
    parity_errors_ = 0;
    bad_frames_ = 0;
    return true;
}

}  // namespace han
