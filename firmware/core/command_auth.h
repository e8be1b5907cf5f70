// Signed commands over MQTT: who may change a board that anyone on its broker can reach.
//
// Unsigned, a command over MQTT only reads (version, status, help, config get with the
// secrets masked). A board given a command secret (on the serial console or in the
// portal, never over MQTT) also runs changing commands that carry proof of it:
//
//   signed <counter> <hmac> <command>
//
// where hmac is HMAC-SHA256(secret, "<command topic> <counter> <command>") in lower-case
// hex, and counter is higher than that of every signed command the board ran before (it
// is kept in the settings file, so a captured command cannot be replayed, even after a
// reboot). The topic in the message binds a command to the board it was sent to.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform.h"
#include "settings.h"
#include "text.h"

namespace han {

// Who sent a command, and so what it may do.
enum class Access : uint8_t {
    ReadOnly,  // unsigned over MQTT: reads only
    Signed,    // over MQTT with a valid signature: everything but the command secret
    Console,   // the serial console (physical access): everything
};

// "signed " + the longest counter + " " + the HMAC in hex + " ".
constexpr size_t kMaxSignature = sizeof("signed 4294967295 ") - 1 + 2 * Crypto::kHmacSha256Size + 1;

// Whether a command line is signed (begins with "signed ").
bool is_signed_command(const char* line);

// Checks a signed line against the settings' secret and counter. On success counter gets
// the line's counter (the caller stores it before running) and command points at the
// command inside line; otherwise why says what was wrong, in one line.
bool verify_signed_command(const Settings& settings, Crypto& crypto, const char* line, uint32_t& counter,
                           const char*& command, TextBuffer& why);

// Equal in time that does not depend on where the bytes first differ.
bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, size_t length);

}  // namespace han
