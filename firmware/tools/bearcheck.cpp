// bearcheck: the ESP8266's Crypto port (esp8266/src/bear_crypto.h) run on the host against
// Debian's BearSSL, so the tests can hold it to Python's cryptography. One request a line
// on stdin, hex fields, "-" for an empty one:
//   gcm KEY IV AAD TEXT TAG   -> the deciphered text in hex, or "bad-tag"
//   hmac KEY MESSAGE          -> HMAC-SHA256 in hex
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "../esp8266/src/bear_crypto.h"
#include "text.h"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex_field(const std::string& text) {
    if (text == "-") return {};
    Bytes out(text.size() / 2);
    if (text.size() % 2 != 0 || !han::parse_hex(text.c_str(), out.data(), out.size(), true)) {
        throw std::invalid_argument("not hex: " + text);
    }
    return out;
}

std::string hex_of(const Bytes& bytes) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) out += {kDigits[b >> 4], kDigits[b & 0x0F]};
    return out;
}

std::string answer(board::BearCrypto& crypto, std::istringstream& words) {
    std::string kind, a, b, c, d, e;
    words >> kind;
    if (kind == "hmac" && words >> a >> b) {
        const Bytes key = hex_field(a), message = hex_field(b);
        Bytes out(han::Crypto::kHmacSha256Size);
        return crypto.hmac_sha256(key.data(), key.size(), message.data(), message.size(), out.data()) ? hex_of(out)
                                                                                                      : "failed";
    }
    if (kind == "gcm" && words >> a >> b >> c >> d >> e) {
        const Bytes key = hex_field(a), iv = hex_field(b), aad = hex_field(c), tag = hex_field(e);
        Bytes text = hex_field(d);
        if (key.size() != han::Crypto::kAesKeySize || iv.size() != han::Crypto::kGcmIvSize) return "bad key or iv size";
        const auto result = crypto.aes128_gcm_decrypt(key.data(), iv.data(), aad.data(), aad.size(), text.data(),
                                                      text.size(), tag.data(), tag.size());
        return result == han::Crypto::GcmResult::Ok ? hex_of(text) : "bad-tag";
    }
    return "usage: gcm KEY IV AAD TEXT TAG | hmac KEY MESSAGE";
}

}  // namespace

int main() {
    board::BearCrypto crypto;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream words(line);
        try {
            std::cout << answer(crypto, words) << std::endl;
        } catch (const std::invalid_argument& error) {
            std::cout << error.what() << std::endl;
        }
    }
    return 0;
}
