#include "mbed_crypto.h"

#include <mbedtls/md.h>

namespace host {

bool MbedCrypto::hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                             uint8_t* out) {
    const mbedtls_md_info_t* sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    return sha256 && mbedtls_md_hmac(sha256, key, key_length, message, message_length, out) == 0;
}

}  // namespace host
