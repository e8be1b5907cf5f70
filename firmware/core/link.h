// Between the deframers and the list decoder: joining a list sent in pieces (segmented
// HDLC, M-Bus long frames, General Block Transfer) and deciphering it (DLMS security
// suite 0). Fixed buffers only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform.h"
#include "text.h"

namespace han {

// Lists refused between the line and the decoder; the status command reports them.
struct LinkStats {
    uint32_t segments_lost = 0;   // a list given up: a piece (or block) lost, repeated or out of turn
    uint32_t list_too_long = 0;   // a joined list beyond ListAssembler::kCapacity
    uint32_t no_key = 0;          // ciphered, and no key (or no authentication key) is set
    uint32_t wrong_tag = 0;       // the authentication tag did not verify: wrong key or altered
    uint32_t stale_counter = 0;   // a frame counter not above the last accepted: replayed or reset
    uint32_t undecodable = 0;     // a ciphered APDU cut short, or deciphered to no list (wrong key)
};

// Joins the pieces of one list into one information field that starts with the LLC
// header, as a one-frame list does. HDLC UI frames carry no numbers, so pieces join in
// the order they come and the APDU's own lengths prove the result; M-Bus pieces are
// numbered, so a gap or repeat shows at once. A joined APDU that is a General Block
// Transfer block (E0) is one numbered piece of a larger APDU: its data joins the blocks
// before it in the same buffer (a pushing meter streams them from number 1), and a gap,
// repeat or swap drops that APDU, counted in segments_lost as a lost M-Bus piece is (a
// status word of its own would lengthen the longest reply, on a stack at its budget).
class ListAssembler {
public:
    enum class Join : uint8_t { Waiting, Ready, Dropped };

    // Joins into buffer (capacity bytes); a longer list is counted as list_too_long.
    ListAssembler(uint8_t* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}

    // One checked HDLC frame's information field; segmented when it has the segmentation bit.
    Join add_hdlc(const uint8_t* info, size_t length, bool segmented, LinkStats& stats);
    // One M-Bus long frame's piece of an APDU: its number (from 0) and whether it is the last.
    Join add_mbus(uint8_t number, bool last, const uint8_t* piece, size_t length, LinkStats& stats);

    // The joined list after Ready, until the next add; writable so it can be deciphered in place.
    uint8_t* data() { return buffer_; }
    size_t length() const { return length_; }
    // The buffer is wanted for something else: a list half joined is given up (segments_lost).
    void abandon(LinkStats& stats);

private:
    bool append(const uint8_t* bytes, size_t length, LinkStats& stats);
    void give_up(LinkStats& stats);
    // A whole APDU has joined at kept_: a plain one is Ready, a block joins the ones before it.
    Join finish(LinkStats& stats);
    Join add_block(const uint8_t* apdu, size_t size, LinkStats& stats);
    // An APDU whose blocks cannot all come is given up, counted in segments_lost:
    // lose_blocks() only when blocks of it are kept, drop_blocks() always.
    void lose_blocks(LinkStats& stats);
    void drop_blocks(LinkStats& stats);

    uint8_t* buffer_;
    size_t capacity_;
    size_t length_ = 0;
    size_t kept_ = 0;         // the LLC header and the data of the blocks joined so far; 0: none
    uint16_t next_block_ = 0; // the block number due next while kept_ holds blocks
    bool open_ = false;       // a list waits for its next piece
    bool skipping_ = false;   // the rest of a list too long: its pieces are dropped
    uint8_t next_number_ = 0; // the M-Bus piece due next
    bool orphans_ = false;    // blocks of an APDU already counted lost may follow
};

// Security suite 0: general-glo-ciphering (DB) around a data-notification.
// IV = system title + frame counter; with authentication the additional data is the
// security control byte and the authentication key, and a 12-byte tag ends the APDU.
class Decipherer {
public:
    // System titles whose last counter is kept: a reader reads one meter (two allow for a
    // meter swapped on the line); a third title takes the oldest one's place.
    static constexpr size_t kTitles = 2;
    enum class Result : uint8_t { Plain, Deciphered, NoKey, WrongTag, StaleCounter, Undecodable };

    explicit Decipherer(Crypto& crypto) : crypto_(crypto) {}
    // The keys as the settings hold them, hex text (empty: none). Validated when set, so
    // only a settings file edited by hand can hold a bad one: no key then.
    void set_keys(const char* encryption_hex, const char* authentication_hex);
    // info starts with the LLC header. A ciphered APDU is replaced in place by its plain
    // text (length shrinks); any result after Deciphered is a refusal and says why.
    Result open(uint8_t* info, size_t& length);
    // The list last deciphered decoded: its counter becomes the one to beat. Only then,
    // so noise deciphered with a wrong key never locks the reader out.
    void accept();

private:
    struct Title {
        uint8_t title[8];
        uint32_t counter;
        bool used;
    };
    Title* find(const uint8_t* title);

    Crypto& crypto_;
    bool has_encryption_ = false;
    bool has_authentication_ = false;
    uint8_t encryption_[Crypto::kAesKeySize] = {};
    uint8_t authentication_[Crypto::kAesKeySize] = {};
    Title titles_[kTitles] = {};
    size_t next_slot_ = 0;
    uint8_t pending_title_[8] = {};
    uint32_t pending_counter_ = 0;
    bool pending_ = false;
};

// Counts a refusal of Decipherer::open() in its place in stats and names it for the log;
// null for Plain and Deciphered, which are none.
const FlashText* count_refusal(Decipherer::Result result, LinkStats& stats);

}  // namespace han
