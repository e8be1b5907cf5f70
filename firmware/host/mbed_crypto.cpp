#include "mbed_crypto.h"

#include <cstring>

#include <mbedtls/md.h>

namespace host {

MbedCrypto::MbedCrypto() { mbedtls_gcm_init(&gcm_); }

MbedCrypto::~MbedCrypto() { mbedtls_gcm_free(&gcm_); }

bool MbedCrypto::hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                             uint8_t* out) {
    const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    return sha256 && mbedtls_md_hmac(sha256, key, key_length, message, message_length, out) == 0;
}

bool MbedCrypto::use_key(const uint8_t* key) {
    if (keyed_ && std::memcmp(key, key_, kAesKeySize) == 0) return true;
    keyed_ = mbedtls_gcm_setkey(&gcm_, MBEDTLS_CIPHER_ID_AES, key, kAesKeySize * 8) == 0;
    std::memcpy(key_, key, kAesKeySize);
    return keyed_;
}

han::Crypto::GcmResult MbedCrypto::aes128_gcm_decrypt(const uint8_t* key, const uint8_t* iv, const uint8_t* aad,
                                                      size_t aad_length, uint8_t* data, size_t length,
                                                      const uint8_t* tag, size_t tag_length) {
    if (!use_key(key)) return GcmResult::Unavailable;
    if (tag_length > 0) {
        // Checks the tag before it hands out the text; mbedTLS allows output == input.
        const int result =
            mbedtls_gcm_auth_decrypt(&gcm_, length, iv, kGcmIvSize, aad, aad_length, tag, tag_length, data, data);
        if (result == MBEDTLS_ERR_GCM_AUTH_FAILED) return GcmResult::BadTag;
        return result == 0 ? GcmResult::Ok : GcmResult::Unavailable;
    }
    // Encryption only: the GCM keystream without a tag to check (mbedtls_gcm_auth_decrypt wants one).
    if (mbedtls_gcm_starts(&gcm_, MBEDTLS_GCM_DECRYPT, iv, kGcmIvSize, aad, aad_length) != 0 ||
        mbedtls_gcm_update(&gcm_, length, data, data) != 0) {
        return GcmResult::Unavailable;
    }
    return GcmResult::Ok;
}

}  // namespace host
