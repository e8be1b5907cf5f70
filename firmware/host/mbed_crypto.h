// The core's Crypto port on the host: HMAC-SHA256 and AES-128-GCM from mbedTLS (Debian's libmbedtls-dev).
#pragma once

#include "../core/platform.h"

namespace host {

class MbedCrypto : public han::Crypto {
public:
    bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                     uint8_t* out) override;
    GcmResult aes128_gcm_decrypt(const uint8_t* key, const uint8_t* iv, const uint8_t* aad, size_t aad_length,
                                 uint8_t* data, size_t length, const uint8_t* tag, size_t tag_length) override;
};

}  // namespace host
