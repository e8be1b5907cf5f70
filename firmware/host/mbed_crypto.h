// The core's Crypto port on the host: HMAC-SHA256 and AES-128-GCM from mbedTLS (Debian's libmbedtls-dev).
#pragma once

#include <mbedtls/gcm.h>

#include "../core/platform.h"

namespace host {

class MbedCrypto : public han::Crypto {
public:
    MbedCrypto();
    ~MbedCrypto() override;
    MbedCrypto(const MbedCrypto&) = delete;
    MbedCrypto& operator=(const MbedCrypto&) = delete;

    bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                     uint8_t* out) override;
    GcmResult aes128_gcm_decrypt(const uint8_t* key, const uint8_t* iv, const uint8_t* aad, size_t aad_length,
                                 uint8_t* data, size_t length, const uint8_t* tag, size_t tag_length) override;

private:
    // One context for the process, keyed again only when the key changes: mbedTLS allocates
    // when a key is set, so the frame path allocates nothing after the first list.
    bool use_key(const uint8_t* key);

    mbedtls_gcm_context gcm_;
    uint8_t key_[kAesKeySize] = {};
    bool keyed_ = false;
};

}  // namespace host
