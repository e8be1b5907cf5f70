// CRC-16/X.25, the check sum of HDLC frame format type 3 (HCS and FCS).
#pragma once

#include <cstddef>
#include <cstdint>

namespace han {

// Reflected polynomial 0x8408, init 0xFFFF, final xor 0xFFFF; "123456789" gives 0x906E.
uint16_t crc16_x25(const uint8_t* data, size_t length);

}  // namespace han
