// A bounds-checked reader of A-XDR encoded COSEM data (type tag, then value).
#pragma once

#include <cstddef>
#include <cstdint>

namespace han {

namespace tag {
constexpr uint8_t kNull = 0x00;
constexpr uint8_t kArray = 0x01;
constexpr uint8_t kStructure = 0x02;
constexpr uint8_t kBoolean = 0x03;
constexpr uint8_t kDoubleLong = 0x05;
constexpr uint8_t kDoubleLongUnsigned = 0x06;
constexpr uint8_t kOctetString = 0x09;
constexpr uint8_t kVisibleString = 0x0A;
constexpr uint8_t kInteger = 0x0F;
constexpr uint8_t kLong = 0x10;
constexpr uint8_t kUnsigned = 0x11;
constexpr uint8_t kLongUnsigned = 0x12;
constexpr uint8_t kLong64 = 0x14;
constexpr uint8_t kLong64Unsigned = 0x15;
constexpr uint8_t kEnum = 0x16;
constexpr uint8_t kDateTime = 0x19;
}  // namespace tag

// One decoded element. Arrays and structures carry their element count in
// `count`; their elements follow in the stream.
struct AxdrValue {
    uint8_t tag = 0;
    int64_t integer = 0;
    const uint8_t* bytes = nullptr;  // strings and date-times
    size_t length = 0;               // string length, or element count for containers

    bool is_integer() const;
    bool is_string() const { return tag == tag::kOctetString || tag == tag::kVisibleString; }
    bool is_container() const { return tag == tag::kArray || tag == tag::kStructure; }
};

class AxdrReader {
public:
    AxdrReader(const uint8_t* data, size_t length) : data_(data), left_(length) {}

    // Reads the next element's tag and value; false at the end or on a malformed element.
    bool next(AxdrValue& value);
    // Skips one whole element, containers included (depth-limited).
    bool skip();
    // Reads raw bytes (a header field without a tag).
    bool raw(size_t count, const uint8_t*& out);
    bool byte(uint8_t& out);
    bool peek(uint8_t& out) const;
    size_t remaining() const { return left_; }

private:
    bool length_field(size_t& out);
    bool unsigned_be(size_t width, uint64_t& out);
    bool skip_depth(int depth);

    const uint8_t* data_;
    size_t left_;
};

}  // namespace han
