#include "serial_detect.h"

namespace han {

void SerialDetector::reset(SerialMode mode, LineBaud baud) {
    automatic_parity_ = mode == SerialMode::Auto;
    automatic_rate_ = baud == LineBaud::Auto;
    even_parity_ = mode != SerialMode::None8N1;
    rate_ = automatic_rate_ ? kFirstRate : static_cast<uint8_t>(baud);
    locked_ = !automatic_parity_ && !automatic_rate_;
    parity_errors_ = bad_frames_ = noise_bytes_ = 0;
}

bool SerialDetector::on_good_frame() {
    locked_ = true;
    parity_errors_ = bad_frames_ = noise_bytes_ = 0;
    return false;
}

bool SerialDetector::on_line_errors(uint32_t parity_errors, uint32_t bad_frames, uint32_t noise_bytes) {
    if (!automatic_parity_ && !automatic_rate_) return false;
    parity_errors_ += parity_errors;
    bad_frames_ += bad_frames;
    noise_bytes_ += noise_bytes;
    // Once locked, only a run of bad frames (a swapped meter) moves it: noise alone does not.
    const bool switch_now = locked_ ? bad_frames_ >= kBadFramesToUnlock
                                    : parity_errors_ >= kParityErrorsToSwitch || bad_frames_ >= kBadFramesToSwitch ||
                                          noise_bytes_ >= kNoiseBytesToSwitch;
    if (!switch_now) return false;
    advance();
    locked_ = false;
    parity_errors_ = bad_frames_ = noise_bytes_ = 0;
    return true;
}

void SerialDetector::advance() {
    if (automatic_parity_ && even_parity_) {
        even_parity_ = false;
        return;
    }
    if (automatic_parity_) even_parity_ = true;
    if (automatic_rate_) rate_ = rate_ == kLastRate ? kFirstRate : static_cast<uint8_t>(rate_ + 1);
}

}  // namespace han
