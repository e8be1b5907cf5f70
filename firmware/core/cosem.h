// DLMS/COSEM data-notification decoder for Kaifa, Kamstrup and Aidon push lists.
#pragma once

#include <cstddef>
#include <cstdint>

#include "reading.h"

namespace han {

enum class DecodeStatus : uint8_t {
    Ok,
    NotLlc,            // the information field does not start with E6 E7 00
    NotNotification,   // the APDU is not a data-notification (0F)
    BadHeader,         // invoke id or date-time header cut short or of an unknown form
    BadBody,           // a type tag, length or count that does not fit the bytes
    UnknownLayout,     // well-formed A-XDR, but no list layout we know
};

// One line naming what was wrong, for the log.
const FlashText* decode_status_text(DecodeStatus status);

// Walks the A-XDR type tags of the notification body; never trusts fixed offsets,
// because list lengths change with the meter-type string and the meter model.
// Remembers the make of the last list that named its list version.
class PushDecoder {
public:
    DecodeStatus decode(const uint8_t* info, size_t length, Reading& out);
    Make last_make() const { return last_make_; }

private:
    Make last_make_ = Make::Unknown;
};

}  // namespace han
