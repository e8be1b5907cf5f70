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
constexpr uint8_t kGeneralBlockTransfer = 0xE0;
constexpr uint8_t kLastBlock = 0x80;
constexpr size_t kBlockHeader = 6;  // E0, block control, block number (2), acknowledged block (2)

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
    if (!open_) length_ = kept_;
    open_ = true;
    if (!append(info, length, stats)) return Join::Dropped;
    if (segmented) return Join::Waiting;
    return finish(stats);
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
        if (capacity_ - kept_ < kLlcLength) {
            kept_ = 0;
            ++stats.list_too_long;
            return Join::Dropped;
        }
        buffer_[kept_] = kLlc0;
        buffer_[kept_ + 1] = kLlc1;
        buffer_[kept_ + 2] = kLlc2;
        length_ = kept_ + kLlcLength;
    }
    open_ = true;
    next_number_ = static_cast<uint8_t>(number + 1);
    if (!append(piece, length, stats)) return Join::Dropped;
    if (!last) return Join::Waiting;
    return finish(stats);
}

ListAssembler::Join ListAssembler::finish(LinkStats& stats) {
    open_ = false;
    uint8_t* unit = buffer_ + kept_;  // this APDU, the LLC header first
    const size_t size = length_ - kept_;
    if (size > kLlcLength && starts_with_llc(unit, size) && unit[kLlcLength] == kGeneralBlockTransfer) {
        return add_block(unit + kLlcLength, size - kLlcLength, stats);
    }
    if (kept_ != 0) {
        // A whole list while blocks wait: the APDU they belong to lost its last block.
        lose_blocks(stats);
        std::memmove(buffer_, unit, size);
        length_ = size;
    }
    return Join::Ready;
}

ListAssembler::Join ListAssembler::add_block(const uint8_t* apdu, size_t size, LinkStats& stats) {
    size_t at = kBlockHeader, data_length = 0;
    if (size < kBlockHeader || !read_length(apdu, size, at, data_length) || data_length != size - at) {
        drop_blocks(stats);  // the APDU it belongs to, with any blocks kept of it
        orphans_ = true;
        length_ = 0;
        return Join::Dropped;
    }
    const uint16_t number = static_cast<uint16_t>(apdu[2] << 8 | apdu[3]);
    const bool last = apdu[1] & kLastBlock;
    const uint8_t* data = apdu + at;  // above kept_ + the LLC header: it moves down into place
    if (number != (kept_ == 0 ? 1 : next_block_)) {
        // A gap, a repeat or a swap loses the APDU, counted once: the blocks left of it are
        // dropped uncounted up to its last one. A block 1 still starts the next APDU afresh.
        if (kept_ != 0 || (number != 1 && !orphans_)) drop_blocks(stats);
        if (number != 1) {
            orphans_ = !last;
            length_ = 0;
            return Join::Dropped;
        }
    }
    orphans_ = false;
    if (kept_ == 0) {
        buffer_[0] = kLlc0;
        buffer_[1] = kLlc1;
        buffer_[2] = kLlc2;
        kept_ = kLlcLength;
    }
    std::memmove(buffer_ + kept_, data, data_length);
    kept_ += data_length;
    length_ = kept_;
    next_block_ = static_cast<uint16_t>(number + 1);
    if (!last) return Join::Waiting;
    kept_ = 0;
    return Join::Ready;
}

void ListAssembler::lose_blocks(LinkStats& stats) {
    if (kept_ != 0) drop_blocks(stats);
}

void ListAssembler::drop_blocks(LinkStats& stats) {
    ++stats.segments_lost;
    kept_ = 0;
}

bool ListAssembler::append(const uint8_t* bytes, size_t length, LinkStats& stats) {
    if (length > capacity_ - length_) {
        ++stats.list_too_long;
        skipping_ = open_;
        open_ = false;
        length_ = 0;
        kept_ = 0;  // the blocks joined so far belong to the list too long
        return false;
    }
    std::memcpy(buffer_ + length_, bytes, length);
    length_ += length;
    return true;
}

void ListAssembler::abandon(LinkStats& stats) {
    if (open_) give_up(stats);
    lose_blocks(stats);
    length_ = 0;
}

void ListAssembler::give_up(LinkStats& stats) {
    ++stats.segments_lost;
    open_ = false;
    length_ = kept_;  // the blocks before this one stay: a lost block shows in the next one's number
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
