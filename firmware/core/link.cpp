#include "link.h"

#include <cstring>

#include "text.h"

namespace han {

namespace {

// E6 E7 00, byte by byte: an array constant would take data RAM on the ESP8266.
constexpr uint8_t kLlc0 = 0xE6, kLlc1 = 0xE7, kLlc2 = 0x00;
constexpr size_t kLlcLength = 3;
constexpr uint8_t kGloCiphering = 0xDB;
constexpr size_t kTitleLength = 8;
constexpr uint8_t kAuthenticated = 0x10;
constexpr uint8_t kEncrypted = 0x20;
constexpr size_t kTagLength = 12;
constexpr size_t kSecurityHeader = 5;  // security control, frame counter

bool starts_with_llc(const uint8_t* info, size_t length) {
    return length >= kLlcLength && info[0] == kLlc0 && info[1] == kLlc1 && info[2] == kLlc2;
}

// An A-XDR length at apdu[at] (short form, or 81 / 82 and one or two bytes); moves at past it.
bool read_length(const uint8_t* apdu, size_t size, size_t& at, size_t& length) {
    if (at >= size) return false;
    const uint8_t first = apdu[at++];
    if (first < 0x80) {
        length = first;
        return true;
    }
    const size_t bytes = first & 0x7F;
    if (bytes == 0 || bytes > 2 || size - at < bytes) return false;
    length = 0;
    for (size_t i = 0; i < bytes; ++i) length = (length << 8) | apdu[at++];
    return true;
}

// A key from its hex text; false when it is empty or not 32 hex digits.
bool parse_key(const char* hex, uint8_t* out) {
    return std::strlen(hex) == 2 * Crypto::kAesKeySize && parse_hex(hex, out, Crypto::kAesKeySize, true);
}

}  // namespace

ListAssembler::Join ListAssembler::add_hdlc(const uint8_t* info, size_t length, bool segmented, LinkStats& stats) {
    if (skipping_ && !starts_with_llc(info, length)) {
        skipping_ = segmented;  // its last piece ends the list too long
        return Join::Dropped;
    }
    skipping_ = false;
    // A piece that opens a new list while one is open: the open one lost its last piece.
    if (open_ && starts_with_llc(info, length)) give_up(stats);
    if (!open_) length_ = 0;
    open_ = true;
    if (!append(info, length, stats)) return Join::Dropped;
    if (segmented) return Join::Waiting;
    open_ = false;
    return Join::Ready;
}

ListAssembler::Join ListAssembler::add_mbus(uint8_t number, bool last, const uint8_t* piece, size_t length,
                                            LinkStats& stats) {
    if (skipping_ && number != 0) {
        skipping_ = !last;  // its last piece ends the list too long
        return Join::Dropped;
    }
    skipping_ = false;
    const uint8_t expected = open_ ? next_number_ : 0;
    if (number != expected) {
        // A gap, a repeat or a swap (counted once); a piece 0 still starts the next list afresh.
        if (open_ || number != 0) give_up(stats);
        if (number != 0) return Join::Dropped;
    }
    if (!open_) {
        // The DLMS transport carries the bare APDU: the LLC header makes it read as an HDLC list.
        buffer_[0] = kLlc0;
        buffer_[1] = kLlc1;
        buffer_[2] = kLlc2;
        length_ = kLlcLength;
    }
    open_ = true;
    next_number_ = static_cast<uint8_t>(number + 1);
    if (!append(piece, length, stats)) return Join::Dropped;
    if (!last) return Join::Waiting;
    open_ = false;
    return Join::Ready;
}

bool ListAssembler::append(const uint8_t* bytes, size_t length, LinkStats& stats) {
    if (length > capacity_ - length_) {
        ++stats.list_too_long;
        skipping_ = open_;
        open_ = false;
        length_ = 0;
        return false;
    }
    std::memcpy(buffer_ + length_, bytes, length);
    length_ += length;
    return true;
}

void ListAssembler::abandon(LinkStats& stats) {
    if (open_) give_up(stats);
}

void ListAssembler::give_up(LinkStats& stats) {
    ++stats.segments_lost;
    open_ = false;
    length_ = 0;
}

void Decipherer::set_keys(const char* encryption_hex, const char* authentication_hex) {
    has_encryption_ = parse_key(encryption_hex, encryption_);
    has_authentication_ = parse_key(authentication_hex, authentication_);
}

Decipherer::Result Decipherer::open(uint8_t* info, size_t& length) {
    pending_ = false;
    if (length <= kLlcLength || info[kLlcLength] != kGloCiphering) return Result::Plain;
    uint8_t* apdu = info + kLlcLength;
    const size_t size = length - kLlcLength;
    size_t at = 2 + kTitleLength, content = 0;
    if (size < at || apdu[1] != kTitleLength || !read_length(apdu, size, at, content) || content != size - at ||
        content < kSecurityHeader) {
        return Result::Undecodable;
    }
    const uint8_t* title = apdu + 2;
    const uint8_t control = apdu[at];
    const bool authenticated = control & kAuthenticated;
    if ((control & 0x0F) != 0 || !(control & kEncrypted) || (authenticated && content < kSecurityHeader + kTagLength)) {
        return Result::Undecodable;
    }
    if (!has_encryption_ || (authenticated && !has_authentication_)) {
        return Result::NoKey;
    }
    uint8_t iv[Crypto::kGcmIvSize];
    std::memcpy(iv, title, kTitleLength);
    std::memcpy(iv + kTitleLength, apdu + at + 1, 4);
    const uint32_t counter = static_cast<uint32_t>(iv[8]) << 24 | static_cast<uint32_t>(iv[9]) << 16 |
                             static_cast<uint32_t>(iv[10]) << 8 | iv[11];
    const Title* known = find(title);
    if (known && counter <= known->counter) {
        return Result::StaleCounter;
    }
    uint8_t* text = apdu + at + kSecurityHeader;
    const size_t text_length = content - kSecurityHeader - (authenticated ? kTagLength : 0);
    uint8_t aad[1 + Crypto::kAesKeySize];
    aad[0] = control;
    std::memcpy(aad + 1, authentication_, Crypto::kAesKeySize);
    const Crypto::GcmResult result = crypto_.aes128_gcm_decrypt(
        encryption_, iv, aad, authenticated ? sizeof(aad) : 1, text, text_length,
        authenticated ? text + text_length : nullptr, authenticated ? kTagLength : 0);
    if (result != Crypto::GcmResult::Ok) {
        return result == Crypto::GcmResult::BadTag ? Result::WrongTag : Result::Undecodable;
    }
    std::memcpy(pending_title_, title, kTitleLength);
    pending_counter_ = counter;
    pending_ = true;
    std::memmove(apdu, text, text_length);
    length = kLlcLength + text_length;
    return Result::Deciphered;
}

void Decipherer::accept() {
    if (!pending_) return;
    pending_ = false;
    Title* slot = find(pending_title_);
    if (!slot) {
        slot = &titles_[next_slot_];
        next_slot_ = (next_slot_ + 1) % kTitles;
        std::memcpy(slot->title, pending_title_, kTitleLength);
        slot->used = true;
    }
    slot->counter = pending_counter_;
}

Decipherer::Title* Decipherer::find(const uint8_t* title) {
    for (Title& slot : titles_) {
        if (slot.used && std::memcmp(slot.title, title, kTitleLength) == 0) return &slot;
    }
    return nullptr;
}

const FlashText* count_refusal(Decipherer::Result result, LinkStats& stats) {
    switch (result) {
    case Decipherer::Result::Plain:
    case Decipherer::Result::Deciphered:
        return nullptr;
    case Decipherer::Result::NoKey:
        ++stats.no_key;
        return HAN_F("ciphered and no key is set (config set meter_key / meter_auth_key on the console or portal)");
    case Decipherer::Result::WrongTag:
        ++stats.wrong_tag;
        return HAN_F("the authentication tag does not verify (wrong meter_key or meter_auth_key, or an altered frame)");
    case Decipherer::Result::StaleCounter:
        ++stats.stale_counter;
        return HAN_F("frame counter not above the last accepted (a replayed frame, or the meter was reset)");
    case Decipherer::Result::Undecodable:
        break;
    }
    ++stats.undecodable;
    return HAN_F("ciphered APDU cut short or of an unknown security control");
}

}  // namespace han
