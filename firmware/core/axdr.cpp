#include "axdr.h"

namespace han {

namespace {

constexpr int kMaxDepth = 4;  // meter pushes nest three deep (array, structure, scaler-unit)

int64_t sign_extend(uint64_t value, size_t width) {
    const unsigned bits = static_cast<unsigned>(width * 8);
    if (bits >= 64) return static_cast<int64_t>(value);
    const uint64_t sign = 1ULL << (bits - 1);
    return static_cast<int64_t>((value ^ sign) - sign);
}

}  // namespace

bool AxdrValue::is_integer() const {
    switch (tag) {
    case tag::kBoolean: case tag::kDoubleLong: case tag::kDoubleLongUnsigned:
    case tag::kInteger: case tag::kLong: case tag::kUnsigned: case tag::kLongUnsigned:
    case tag::kLong64: case tag::kLong64Unsigned: case tag::kEnum:
        return true;
    default:
        return false;
    }
}

bool AxdrReader::byte(uint8_t& out) {
    if (left_ == 0) return false;
    out = *data_++;
    --left_;
    return true;
}

bool AxdrReader::peek(uint8_t& out) const {
    if (left_ == 0) return false;
    out = *data_;
    return true;
}

bool AxdrReader::raw(size_t count, const uint8_t*& out) {
    if (count > left_) return false;
    out = data_;
    data_ += count;
    left_ -= count;
    return true;
}

bool AxdrReader::unsigned_be(size_t width, uint64_t& out) {
    const uint8_t* p = nullptr;
    if (!raw(width, p)) return false;
    out = 0;
    for (size_t i = 0; i < width; ++i) out = (out << 8) | p[i];
    return true;
}

// A-XDR length: one byte below 0x80, else 0x8n followed by n big-endian bytes.
bool AxdrReader::length_field(size_t& out) {
    uint8_t first = 0;
    if (!byte(first)) return false;
    if (first < 0x80) {
        out = first;
        return true;
    }
    const size_t width = first & 0x7F;
    uint64_t value = 0;
    if (width == 0 || width > 2 || !unsigned_be(width, value)) return false;
    out = static_cast<size_t>(value);
    return true;
}

bool AxdrReader::next(AxdrValue& value) {
    value = AxdrValue{};
    if (!byte(value.tag)) return false;
    size_t width = 0;
    bool is_signed = false;
    switch (value.tag) {
    case tag::kNull: return true;
    case tag::kArray: case tag::kStructure: return length_field(value.length);
    case tag::kOctetString: case tag::kVisibleString:
        return length_field(value.length) && raw(value.length, value.bytes);
    case tag::kDateTime: value.length = 12; return raw(12, value.bytes);
    case tag::kBoolean: case tag::kUnsigned: case tag::kEnum: width = 1; break;
    case tag::kInteger: width = 1; is_signed = true; break;
    case tag::kLongUnsigned: width = 2; break;
    case tag::kLong: width = 2; is_signed = true; break;
    case tag::kDoubleLongUnsigned: width = 4; break;
    case tag::kDoubleLong: width = 4; is_signed = true; break;
    case tag::kLong64: width = 8; is_signed = true; break;
    case tag::kLong64Unsigned: width = 8; break;
    default: return false;  // a tag no Nordic meter sends: stop rather than guess a width
    }
    uint64_t raw_value = 0;
    if (!unsigned_be(width, raw_value)) return false;
    // A u64 above INT64_MAX cannot be a meter register; keep it out of the signed range.
    if (!is_signed && width == 8 && (raw_value >> 63)) return false;
    value.integer = is_signed ? sign_extend(raw_value, width) : static_cast<int64_t>(raw_value);
    return true;
}

bool AxdrReader::skip() { return skip_depth(0); }

bool AxdrReader::skip_depth(int depth) {
    AxdrValue value;
    if (depth > kMaxDepth || !next(value)) return false;
    if (!value.is_container()) return true;
    for (size_t i = 0; i < value.length; ++i) {
        if (!skip_depth(depth + 1)) return false;
    }
    return true;
}

}  // namespace han
