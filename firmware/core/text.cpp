#include "text.h"

#include <cstring>

namespace han {

namespace {

// Computed rather than looked up: a table would be one more constant in data RAM.
char hex_digit(unsigned nibble, char ten) {
    return static_cast<char>(nibble < 10 ? '0' + nibble : ten + (nibble - 10));
}

int hex_nibble(char c, bool any_case) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (any_case && c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// value's decimal digits, least significant first; returns how many (1 to 20).
size_t reversed_digits(uint64_t value, char (&digits)[20]) {
    size_t n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return n;
}

}  // namespace

TextBuffer::TextBuffer(char* storage, size_t capacity) : storage_(storage), capacity_(capacity) {
    clear();
}

void TextBuffer::clear() {
    length_ = 0;
    overflowed_ = false;
    if (capacity_ > 0) storage_[0] = '\0';
}

void TextBuffer::reset(Mark mark) {
    if (mark > length_) return;
    length_ = mark;
    overflowed_ = false;
    if (capacity_ > 0) storage_[length_] = '\0';
}

TextBuffer& TextBuffer::add(char c) {
    if (length_ + 1 >= capacity_) {
        overflowed_ = true;
        return *this;
    }
    storage_[length_++] = c;
    storage_[length_] = '\0';
    return *this;
}

TextBuffer& TextBuffer::add(const char* text, size_t length) {
    for (size_t i = 0; i < length; ++i) add(text[i]);
    return *this;
}

TextBuffer& TextBuffer::add(const char* text) { return add(text, std::strlen(text)); }

TextBuffer& TextBuffer::add(const FlashText* text) {
    for (size_t i = 0;; ++i) {
        const char c = flash_char(text, i);
        if (c == '\0') return *this;
        add(c);
    }
}

TextBuffer& TextBuffer::add_uint(uint64_t value) {
    char digits[20];
    size_t n = reversed_digits(value, digits);
    while (n > 0) add(digits[--n]);
    return *this;
}

TextBuffer& TextBuffer::overwrite_uint(Mark at, size_t width, uint64_t value) {
    char digits[20];
    const size_t n = reversed_digits(value, digits);
    if (at > length_ || width > length_ - at || n > width) {
        overflowed_ = true;
        return *this;
    }
    for (size_t i = 0; i < width; ++i) storage_[at + i] = i < n ? digits[n - 1 - i] : ' ';
    return *this;
}

TextBuffer& TextBuffer::add_int(int64_t value) {
    if (value < 0) {
        add('-');
        return add_uint(0 - static_cast<uint64_t>(value));
    }
    return add_uint(static_cast<uint64_t>(value));
}

TextBuffer& TextBuffer::add_decimal(const Quantity& quantity, int shift) {
    const int exponent = quantity.exponent + shift;
    uint64_t magnitude = quantity.mantissa < 0 ? 0 - static_cast<uint64_t>(quantity.mantissa)
                                               : static_cast<uint64_t>(quantity.mantissa);
    if (quantity.mantissa < 0) add('-');
    if (exponent >= 0) {
        add_uint(magnitude);
        if (magnitude != 0) {
            for (int i = 0; i < exponent; ++i) add('0');
        }
        return *this;
    }
    const int places = exponent < -19 ? 19 : -exponent;
    uint64_t scale = 1;
    for (int i = 0; i < places; ++i) scale *= 10;
    add_uint(magnitude / scale);
    uint64_t fraction = magnitude % scale;
    if (fraction == 0) return *this;
    int digits = places;
    while (fraction % 10 == 0) {
        fraction /= 10;
        --digits;
    }
    add('.');
    // Leading zeros of the fraction ("1.05").
    uint64_t width_probe = 1;
    for (int i = 1; i < digits; ++i) width_probe *= 10;
    while (width_probe > fraction) {
        add('0');
        width_probe /= 10;
    }
    return add_uint(fraction);
}

TextBuffer& TextBuffer::add_json_string(const char* text) {
    add('"');
    for (const char* p = text; *p; ++p) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\') {
            add('\\').add(static_cast<char>(c));
        } else if (c < 0x20) {
            add(HAN_F("\\u00")).add(hex_digit(c >> 4, 'a')).add(hex_digit(c & 0x0F, 'a'));
        } else {
            add(static_cast<char>(c));
        }
    }
    return add('"');
}

TextBuffer& TextBuffer::add_html_escaped(const char* text) {
    for (const char* p = text; *p; ++p) {
        switch (*p) {
        case '&': add(HAN_F("&amp;")); break;
        case '<': add(HAN_F("&lt;")); break;
        case '>': add(HAN_F("&gt;")); break;
        case '"': add(HAN_F("&quot;")); break;
        case '\'': add(HAN_F("&#39;")); break;
        default: add(*p);
        }
    }
    return *this;
}

TextBuffer& TextBuffer::add_hex(const uint8_t* bytes, size_t length) {
    for (size_t i = 0; i < length; ++i) add(hex_digit(bytes[i] >> 4, 'A')).add(hex_digit(bytes[i] & 0x0F, 'A'));
    return *this;
}

bool parse_uint(const char* text, uint32_t max, uint32_t& out) {
    if (*text == '\0') return false;
    uint64_t value = 0;
    for (const char* p = text; *p; ++p) {
        if (*p < '0' || *p > '9') return false;
        value = value * 10 + static_cast<uint64_t>(*p - '0');
        if (value > max) return false;
    }
    out = static_cast<uint32_t>(value);
    return true;
}

bool parse_decimal(const char* text, Quantity& out) {
    const char* p = text;
    const bool negative = *p == '-';
    if (negative) ++p;
    int64_t mantissa = 0;
    int exponent = 0, digits = 0;
    bool in_fraction = false;
    for (; *p; ++p) {
        if (*p == '.' && !in_fraction) {
            in_fraction = true;
            continue;
        }
        if (*p < '0' || *p > '9' || ++digits > 15) return false;
        mantissa = mantissa * 10 + (*p - '0');
        if (in_fraction) --exponent;
    }
    if (digits == 0) return false;
    out.mantissa = negative ? -mantissa : mantissa;
    out.exponent = static_cast<int8_t>(exponent);
    return true;
}

bool parse_hex(const char* text, uint8_t* out, size_t length, bool any_case) {
    for (size_t i = 0; i < length; ++i) {
        const int high = hex_nibble(text[2 * i], any_case);
        const int low = high < 0 ? -1 : hex_nibble(text[2 * i + 1], any_case);
        if (low < 0) return false;
        out[i] = static_cast<uint8_t>(high * 16 + low);
    }
    return true;
}

}  // namespace han
