// The settings file: what a board writes to flash and reads at boot.
#include <cstring>

#include "crc16.h"
#include "settings.h"

namespace han {

namespace {

// Written first; a firmware reading a higher version skips the keys it does not know.
constexpr uint32_t kFormatVersion = 1;
const char kVersionPrefix[] HAN_FLASH = "# hanreader settings ";
const char kCrcPrefix[] HAN_FLASH = "crc=";

uint16_t text_crc(const char* text, size_t length) {
    return crc16_x25(reinterpret_cast<const uint8_t*>(text), length);
}

// Keeps an unknown line whole for the next save, or drops it whole when it does not fit or
// holds control characters (no firmware writes those; they would not read back the same).
void keep_unknown(Settings& settings, const char* line, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        if (static_cast<unsigned char>(line[i]) < 0x20 || line[i] == 0x7F) return;
    }
    const size_t used = std::strlen(settings.unknown);
    if (used + length + 2 > sizeof(settings.unknown)) return;
    std::memcpy(settings.unknown + used, line, length);
    settings.unknown[used + length] = '\n';
    settings.unknown[used + length + 1] = '\0';
}

void line_error(TextBuffer& error, unsigned line_number) {
    error.add(HAN_F("line ")).add_uint(line_number).add(HAN_F(": "));
}

// The CRC line: it must match the CRC of everything before it and end the file.
bool check_crc(const char* text, const char* line_start, const char* value, const char* rest, unsigned line_number,
               TextBuffer& error) {
    uint32_t stored = 0;
    line_error(error, line_number);
    if (!parse_uint(value, 0xFFFF, stored) || stored != text_crc(text, static_cast<size_t>(line_start - text))) {
        error.add(HAN_F("the settings file is damaged (its CRC does not match)"));
        return false;
    }
    if (*rest != '\0') {
        error.add(HAN_F("text after the CRC line"));
        return false;
    }
    return true;
}

// One "key=value" line (already cut out and NUL-terminated); false with error on a bad one.
bool parse_line(Settings& settings, char* line, size_t length, unsigned line_number, TextBuffer& error) {
    char* equals = std::strchr(line, '=');
    if (!equals) {
        line_error(error, line_number);
        error.add(HAN_F("expected key=value, not \"")).add(line).add('"');
        return false;
    }
    *equals = '\0';
    TextBuffer::Mark mark = error.mark();
    line_error(error, line_number);
    if (!settings_key_is_known(line)) {
        *equals = '=';
        keep_unknown(settings, line, length);
        error.reset(mark);
        return true;
    }
    if (!settings_load_field(settings, line, equals + 1, error)) return false;
    error.reset(mark);
    return true;
}

}  // namespace

void settings_write_stored(const Settings& settings, TextBuffer& out) {
    const TextBuffer::Mark start = out.mark();
    out.add(as_flash_text(kVersionPrefix)).add_uint(kFormatVersion).add('\n');
    settings_write_all(settings, out, false);
    out.add(settings.unknown);
    const uint16_t crc = text_crc(out.c_str() + start, out.size() - start);
    out.add(as_flash_text(kCrcPrefix)).add_uint(crc).add('\n');
}

bool settings_parse(Settings& settings, const char* text, TextBuffer& error) {
    char line[160];
    unsigned line_number = 0;
    const bool versioned = flash_starts(reinterpret_cast<const uint8_t*>(text), std::strlen(text),
                                        as_flash_text(kVersionPrefix));
    settings.unknown[0] = '\0';
    for (const char* p = text; *p;) {
        const char* end = std::strchr(p, '\n');
        const char* next = end ? end + 1 : p + std::strlen(p);  // past the line as written: always moves on
        size_t length = static_cast<size_t>((end ? end : next) - p);
        ++line_number;
        if (length > 0 && p[length - 1] == '\r') --length;  // a CRLF line ending, not part of the value
        if (length >= sizeof(line)) {
            line_error(error, line_number);
            error.add(HAN_F("longer than ")).add_uint(sizeof(line) - 1).add(HAN_F(" characters"));
            return false;
        }
        std::memcpy(line, p, length);
        line[length] = '\0';
        const char* line_start = p;
        p = next;
        if (line[0] == '\0' || line[0] == '#') continue;
        if (flash_starts(reinterpret_cast<const uint8_t*>(line), length, as_flash_text(kCrcPrefix))) {
            return check_crc(text, line_start, line + 4, p, line_number, error);
        }
        if (!parse_line(settings, line, length, line_number, error)) return false;
    }
    if (!versioned) return true;  // written by hand: no CRC to check
    error.add(HAN_F("the settings file is cut short (no CRC line)"));
    return false;
}

}  // namespace han
