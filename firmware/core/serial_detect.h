// Choosing the line's rate and parity when the meter is not configured.
#pragma once

#include <cstdint>

#include "settings.h"

namespace han {

// Kaifa and Aidon send 8E1, Kamstrup 8N1; Norwegian ports run at 2400 baud, others at 9600
// or 115200 (Aidon in Sweden). Read at the wrong parity, a Kamstrup frame shows parity errors
// (about half its bytes) and fails its CRC; an 8E1 frame read as 8N1 keeps the parity bit as
// a stray ninth bit and is garbled; at the wrong rate every byte is noise. So: start at the
// first candidate (2400 8E1), move to the next when parity errors, bad frames or noise pile
// up with no good frame between, and stay once a good frame arrives. Parity moves fastest:
// 2400 8E1, 2400 8N1, 9600 8E1, 9600 8N1, 115200 8E1, 115200 8N1, then round again; a
// fixed parity or rate in the settings keeps to it.
class SerialDetector {
public:
    static constexpr uint32_t kParityErrorsToSwitch = 16;
    static constexpr uint32_t kBadFramesToSwitch = 3;
    // Bytes outside any frame: a meter pushes a frame within seconds, so this much noise with
    // no frame means the rate is wrong. At 2400 baud it is about a second of line.
    static constexpr uint32_t kNoiseBytesToSwitch = 256;
    static constexpr uint32_t kBadFramesToUnlock = 10;  // the meter was swapped

    void reset(SerialMode mode, LineBaud baud);
    bool even_parity() const { return even_parity_; }
    uint32_t baud() const { return line_baud_value(static_cast<LineBaud>(rate_)); }
    bool locked() const { return locked_; }
    // Each returns true when the caller must switch the UART to baud() and even_parity().
    bool on_good_frame();
    bool on_line_errors(uint32_t parity_errors, uint32_t bad_frames, uint32_t noise_bytes);

private:
    // The rates tried, as LineBaud values: computed, not a table, which would cost data RAM.
    static constexpr uint8_t kFirstRate = static_cast<uint8_t>(LineBaud::B2400);
    static constexpr uint8_t kLastRate = static_cast<uint8_t>(LineBaud::B115200);

    void advance();

    bool automatic_parity_ = true;
    bool automatic_rate_ = true;
    bool even_parity_ = true;
    uint8_t rate_ = kFirstRate;  // a LineBaud value
    bool locked_ = false;
    uint32_t parity_errors_ = 0;
    uint32_t bad_frames_ = 0;
    uint32_t noise_bytes_ = 0;
};

}  // namespace han
