// Where the core's constants live: in flash on the ESP8266, ordinary constants elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>

// The ESP8266 Arduino linker script copies .rodata into the 80 KB of data RAM at
// boot; .irom.text stays in the memory-mapped flash (what PROGMEM means there).
// That flash allows aligned 32-bit loads only: a byte load from it is an exception,
// so everything placed with HAN_FLASH is read through the helpers below.
#if defined(__XTENSA__)
#define HAN_FLASH __attribute__((section(".irom.text")))
#else
#define HAN_FLASH
#endif

namespace han {

// Text in flash. Incomplete on purpose: the compiler refuses to read it directly,
// so it reaches RAM only through TextBuffer::add() and the flash_* helpers.
class FlashText;

// One byte of a HAN_FLASH constant: on the ESP8266 the aligned word holding it, shifted.
inline uint8_t flash_byte(const void* address) {
#if defined(__XTENSA__)
    const uintptr_t at = reinterpret_cast<uintptr_t>(address);
    const uint32_t word = *reinterpret_cast<const volatile uint32_t*>(at & ~static_cast<uintptr_t>(3));
    return static_cast<uint8_t>(word >> (8 * (at & 3)));  // the lx106 is little-endian
#else
    return *static_cast<const uint8_t*>(address);
#endif
}

inline const FlashText* as_flash_text(const char* flash_chars) {
    return reinterpret_cast<const FlashText*>(flash_chars);
}

inline char flash_char(const FlashText* text, size_t index) {
    return static_cast<char>(flash_byte(reinterpret_cast<const char*>(text) + index));
}

void flash_copy(void* destination, const void* flash, size_t length);
size_t flash_length(const FlashText* text);
// strcmp(ram, text) == 0.
bool flash_equals(const char* ram, const FlashText* text);
// Whether bytes[0..length) starts with text.
bool flash_starts(const uint8_t* bytes, size_t length, const FlashText* prefix);

// A RAM copy of one entry of a HAN_FLASH table (T: plain data, no pointers into RAM needed).
template <typename T>
T flash_read(const T& constant) {
    T copy;
    flash_copy(&copy, &constant, sizeof(T));
    return copy;
}

}  // namespace han

// A string literal kept in flash, e.g. out.add(HAN_F("mqtt connected")).
#define HAN_F(literal)                                  \
    ([]() -> const ::han::FlashText* {                  \
        static const char flash_text_[] HAN_FLASH = literal; \
        return ::han::as_flash_text(flash_text_);       \
    }())
