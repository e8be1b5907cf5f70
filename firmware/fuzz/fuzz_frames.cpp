// libFuzzer harness over the meter-facing code: deframer, decoder and the JSON writer.
// The first byte picks the path: even, the rest is a byte stream from the line (whole
// frames must pass the CRC to reach the decoder); odd, the rest is an information
// field handed to the decoder directly, so mutations are not all stopped by the CRC.
#include <cstddef>
#include <cstdint>

#include "cosem.h"
#include "hdlc.h"
#include "output.h"
#include "text.h"

namespace {

void decode_and_write(han::PushDecoder& decoder, const uint8_t* info, size_t length) {
    static han::Reading reading;
    static han::FixedText<han::kClassicDocumentCapacity> document;
    if (decoder.decode(info, length, reading) != han::DecodeStatus::Ok) return;
    document.clear();
    han::write_classic_json(reading, han::DeviceState{}, document);
    if (document.overflowed()) __builtin_trap();  // every list must fit the publish buffer
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    han::PushDecoder decoder;
    if (data[0] & 1) {
        decode_and_write(decoder, data + 1, size - 1);
        return 0;
    }
    static han::HdlcDeframer deframer;
    deframer = han::HdlcDeframer();
    for (size_t i = 1; i < size; ++i) {
        if (!deframer.push(data[i])) continue;
        do {
            decode_and_write(decoder, deframer.frame().info, deframer.frame().info_length);
        } while (deframer.next());
    }
    if (deframer.idle()) {
        do {
            decode_and_write(decoder, deframer.frame().info, deframer.frame().info_length);
        } while (deframer.next());
    }
    return 0;
}
