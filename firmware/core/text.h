// Bounded text building over a caller-owned buffer: no heap, explicit capacity.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flash.h"
#include "reading.h"

namespace han {

// Appends never write past the capacity; a message that did not fit reports
// overflowed() so it is dropped whole instead of published cut short.
class TextBuffer {
public:
    TextBuffer(char* storage, size_t capacity);

    TextBuffer& add(const char* text);
    TextBuffer& add(const char* text, size_t length);
    TextBuffer& add(const FlashText* text);
    TextBuffer& add(char c);
    TextBuffer& add_uint(uint64_t value);
    TextBuffer& add_int(int64_t value);
    // mantissa * 10^(exponent + shift) as a plain decimal ("4272.44", "0", "-1.5").
    TextBuffer& add_decimal(const Quantity& quantity, int shift = 0);
    TextBuffer& add_json_string(const char* text);
    TextBuffer& add_html_escaped(const char* text);
    TextBuffer& add_hex(const uint8_t* bytes, size_t length);

    void clear();
    // A position to go back to, to take back a prefix written in case of an error.
    using Mark = size_t;
    Mark mark() const { return length_; }
    void reset(Mark mark);
    // Overwrites the width characters already written at `at` with value's digits,
    // left-aligned and padded with spaces (a number known only after what follows it,
    // such as an HTTP Content-Length). Marks overflowed() instead when the span is not
    // all written yet or the digits do not fit in it.
    TextBuffer& overwrite_uint(Mark at, size_t width, uint64_t value);
    const char* c_str() const { return storage_; }
    size_t size() const { return length_; }
    bool overflowed() const { return overflowed_; }

private:
    char* storage_;
    size_t capacity_;
    size_t length_ = 0;
    bool overflowed_ = false;
};

template <size_t N>
class FixedText : public TextBuffer {
public:
    FixedText() : TextBuffer(buffer_, N) {}

private:
    char buffer_[N];
};

// Parses a decimal such as "-12.5" into an exact Quantity; false on anything else.
bool parse_decimal(const char* text, Quantity& out);

// Parses an unsigned decimal within [0, max]; false on anything else.
bool parse_uint(const char* text, uint32_t max, uint32_t& out);

// Reads 2 * length hex digits at text into out (what follows them is the caller's to
// check); upper-case digits only when any_case. False on any other character.
bool parse_hex(const char* text, uint8_t* out, size_t length, bool any_case);

}  // namespace han
