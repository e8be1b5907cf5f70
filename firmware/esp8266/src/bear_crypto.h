// The core's Crypto port over BearSSL, as the ESP8266 Arduino core ships it; header-only and
// free of Arduino headers, so the host builds it too (tools/bearcheck.cpp, against Debian's
// libbearssl-dev) and the tests check it against Python's cryptography.
#pragma once

#include <bearssl/bearssl_aead.h>
#include <bearssl/bearssl_block.h>
#include <bearssl/bearssl_hmac.h>

#include "platform.h"

namespace board {

// HMAC-SHA256 and AES-128-GCM from the BearSSL the ESP8266 Arduino core ships (the
// constant-time AES and the 32-bit GHASH, for a CPU without a fast multiplier).
class BearCrypto : public han::Crypto {
public:
    GcmResult aes128_gcm_decrypt(const uint8_t* key, const uint8_t* iv, const uint8_t* aad, size_t aad_length,
                                 uint8_t* data, size_t length, const uint8_t* tag, size_t tag_length) override {
        br_aes_ct_ctr_init(&aes_, key, kAesKeySize);
        br_gcm_init(&gcm_, &aes_.vtable, br_ghash_ctmul32);
        br_gcm_reset(&gcm_, iv, kGcmIvSize);
        br_gcm_aad_inject(&gcm_, aad, aad_length);
        br_gcm_flip(&gcm_);
        br_gcm_run(&gcm_, 0, data, length);  // 0: decrypt, in place
        if (tag_length == 0) return GcmResult::Ok;
        return br_gcm_check_tag_trunc(&gcm_, tag, tag_length) ? GcmResult::Ok : GcmResult::BadTag;
    }

    bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                     uint8_t* out) override {
        br_hmac_key_context key_context;
        br_hmac_key_init(&key_context, &br_sha256_vtable, key, key_length);
        br_hmac_context context;
        br_hmac_init(&context, &key_context, 0);
        br_hmac_update(&context, message, message_length);
        return br_hmac_out(&context, out) == kHmacSha256Size;
    }

private:
    // Kept here, not on the 4 KiB loop stack the frame path already uses 2 KiB of (about 300 bytes).
    br_aes_ct_ctr_keys aes_;
    br_gcm_context gcm_;
};

}  // namespace board
