#include "flash.h"

namespace han {

void flash_copy(void* destination, const void* flash, size_t length) {
    uint8_t* out = static_cast<uint8_t*>(destination);
    const uint8_t* in = static_cast<const uint8_t*>(flash);
    for (size_t i = 0; i < length; ++i) out[i] = flash_byte(in + i);
}

size_t flash_length(const FlashText* text) {
    size_t length = 0;
    while (flash_char(text, length) != '\0') ++length;
    return length;
}

bool flash_equals(const char* ram, const FlashText* text) {
    for (size_t i = 0;; ++i) {
        const char c = flash_char(text, i);
        if (ram[i] != c) return false;
        if (c == '\0') return true;
    }
}

bool flash_starts(const uint8_t* bytes, size_t length, const FlashText* prefix) {
    for (size_t i = 0;; ++i) {
        const char c = flash_char(prefix, i);
        if (c == '\0') return true;
        if (i >= length || bytes[i] != static_cast<uint8_t>(c)) return false;
    }
}

}  // namespace han
