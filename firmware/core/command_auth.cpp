#include "command_auth.h"

#include <cstring>

#include "console.h"

namespace han {

namespace {

const char kSignedPrefix[] HAN_FLASH = "signed ";

// Exactly 2 * length lower-case hex digits, then a space.
bool parse_signature(const char* text, uint8_t* out, size_t length) {
    return parse_hex(text, out, length, false) && text[2 * length] == ' ';
}

// The decimal counter up to the next space; false when it is not a uint32 followed by one.
bool parse_counter(const char* text, uint32_t& counter, const char*& rest) {
    char digits[11];
    size_t n = 0;
    while (text[n] && text[n] != ' ' && n < sizeof(digits) - 1) {
        digits[n] = text[n];
        ++n;
    }
    digits[n] = '\0';
    rest = text + n;
    return *rest == ' ' && parse_uint(digits, 0xFFFFFFFFu, counter);
}

}  // namespace

bool is_signed_command(const char* line) {
    return flash_starts(reinterpret_cast<const uint8_t*>(line), std::strlen(line), as_flash_text(kSignedPrefix));
}

bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, size_t length) {
    uint8_t difference = 0;
    for (size_t i = 0; i < length; ++i) difference |= static_cast<uint8_t>(a[i] ^ b[i]);
    return difference == 0;
}

bool verify_signed_command(const Settings& settings, Crypto& crypto, const char* line, uint32_t& counter,
                           const char*& command, TextBuffer& why) {
    if (settings.command_secret[0] == '\0') {
        why.add(HAN_F("this board has no command secret, so it runs no changing command over MQTT; "
                      "set command_secret on the serial console or in the portal"));
        return false;
    }
    const char* rest = nullptr;
    uint8_t given[Crypto::kHmacSha256Size];
    if (!parse_counter(line + flash_length(as_flash_text(kSignedPrefix)), counter, rest) ||
        std::strlen(rest + 1) < 2 * sizeof(given) + 1 || !parse_signature(rest + 1, given, sizeof(given))) {
        why.add(HAN_F("a signed command is \"signed COUNTER HMAC COMMAND\" (HMAC in 64 lower-case hex digits)"));
        return false;
    }
    command = rest + 1 + 2 * sizeof(given) + 1;
    // What was signed: "<command topic> <counter> <command>". One buffer for the longest.
    FixedText<sizeof(Settings::command_topic) + sizeof(" 4294967295 ") + kMaxCommandLine> message;
    message.add(settings.command_topic).add(' ').add_uint(counter).add(' ').add(command);
    uint8_t expected[Crypto::kHmacSha256Size];
    if (message.overflowed() ||
        !crypto.hmac_sha256(reinterpret_cast<const uint8_t*>(settings.command_secret),
                            std::strlen(settings.command_secret), reinterpret_cast<const uint8_t*>(message.c_str()),
                            message.size(), expected) ||
        !equal_in_constant_time(given, expected, sizeof(given))) {
        why.add(HAN_F("the signature does not match this board's command secret and command topic"));
        return false;
    }
    if (counter <= settings.command_counter) {
        why.add(HAN_F("counter ")).add_uint(counter).add(HAN_F(" already used; the next must be above "));
        why.add_uint(settings.command_counter);
        return false;
    }
    return true;
}

}  // namespace han
