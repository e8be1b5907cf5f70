// libFuzzer harness over the link layer: joining segmented HDLC, M-Bus pieces and General
// Block Transfer blocks, and deciphering (suite 0) with the test keys of tests/firmware,
// then decoding. The first
// byte picks the path: even, the rest is line bytes into a whole reader (frames must
// pass their checks); odd, the rest is pieces handed to the assembler directly, each
// "header, length, bytes" (header bit 0: M-Bus, bit 1: more follow, bits 4-7: number),
// so mutations reach the decipherer without passing a CRC.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cosem.h"
#include "fuzz_board.h"
#include "link.h"

namespace {

const char kKey[] = "000102030405060708090A0B0C0D0E0F";
const char kAuthKey[] = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";

void decipher_and_decode(han::ListAssembler& assembler, han::Decipherer& decipherer, han::LinkStats& stats) {
    static han::Reading reading;
    size_t length = assembler.length();
    const han::Decipherer::Result result = decipherer.open(assembler.data(), length);
    if (length > assembler.length()) __builtin_trap();  // deciphering never grows a list
    if (han::count_refusal(result, stats)) return;
    han::PushDecoder decoder;
    if (decoder.decode(assembler.data(), length, reading) == han::DecodeStatus::Ok) decipherer.accept();
}

void feed_pieces(const uint8_t* data, size_t size) {
    static uint8_t buffer[han::kClassicDocumentCapacity];
    static host::MbedCrypto crypto;
    han::ListAssembler assembler(buffer, sizeof(buffer));
    han::Decipherer decipherer(crypto);
    decipherer.set_keys(kKey, kAuthKey);
    han::LinkStats stats;
    size_t at = 0;
    while (size - at >= 2) {
        const uint8_t header = data[at];
        size_t length = data[at + 1];
        at += 2;
        if (length > size - at) length = size - at;
        const bool more = header & 2;
        const han::ListAssembler::Join join =
            (header & 1) ? assembler.add_mbus(header >> 4, !more, data + at, length, stats)
                         : assembler.add_hdlc(data + at, length, more, stats);
        at += length;
        if (join == han::ListAssembler::Join::Ready) decipher_and_decode(assembler, decipherer, stats);
    }
}

han::Settings keyed_settings() {
    han::Settings settings = fuzz::fuzz_settings();
    std::strcpy(settings.meter_key, kKey);
    std::strcpy(settings.meter_auth_key, kAuthKey);
    return settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1) {
        feed_pieces(data + 1, size - 1);
        return 0;
    }
    // A fresh reader per input: no state carries over, so every finding replays from its input alone.
    fuzz::QuietPlatform platform;
    fuzz::ReplayStream stream;
    host::MbedCrypto crypto;
    han::ReaderApp reader(platform, stream, keyed_settings(), crypto);
    reader.start();
    // Chunks of up to 64 bytes, as the loop reads them; an idle gap after all of them.
    for (size_t at = 1; at < size; at += 64) reader.on_serial_bytes(data + at, size - at < 64 ? size - at : 64, 0);
    reader.on_serial_idle();
    return 0;
}
