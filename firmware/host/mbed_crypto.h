// The core's Crypto port on the host: HMAC-SHA256 from mbedTLS (Debian's libmbedtls-dev).
#pragma once

#include "../core/platform.h"

namespace host {

class MbedCrypto : public han::Crypto {
public:
    bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                     uint8_t* out) override;
};

}  // namespace host
