// Choosing 8E1 or 8N1 on a line whose meter make is not configured.
#pragma once

#include <cstdint>

#include "settings.h"

namespace han {

// Kaifa and Aidon send 8E1, Kamstrup 8N1. Read at the wrong parity, a Kamstrup
// frame shows parity errors (about half its bytes) and fails its CRC; an 8E1
// frame read as 8N1 keeps the parity bit as a stray ninth bit and is garbled.
// So: start at 8E1, switch when bad frames or parity errors pile up with no
// good frame between, and stay once a good frame arrives.
class SerialDetector {
public:
    static constexpr uint32_t kParityErrorsToSwitch = 16;
    static constexpr uint32_t kBadFramesToSwitch = 3;
    static constexpr uint32_t kBadFramesToUnlock = 10;  // the meter was swapped

    void reset(SerialMode mode);
    bool even_parity() const { return even_parity_; }
    bool locked() const { return locked_; }
    // Each returns true when the caller must switch the UART to even_parity().
    bool on_good_frame();
    bool on_line_errors(uint32_t parity_errors, uint32_t bad_frames);

private:
    bool automatic_ = true;
    bool even_parity_ = true;
    bool locked_ = false;
    uint32_t parity_errors_ = 0;
    uint32_t bad_frames_ = 0;
};

}  // namespace han
