// libFuzzer over the MQTT receive path: whatever the broker (or someone in its place)
// sends after a CONNACK, split anywhere, through the client into the reader's commands.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_board.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Board board;
    static uint8_t packets[4096];
    // A CONNACK first, so the bytes after it reach the connected state's packet handling.
    static const uint8_t kConnack[] = {0x20, 0x02, 0x00, 0x00};
    if (size + sizeof(kConnack) > sizeof(packets)) return 0;
    std::memcpy(packets, kConnack, sizeof(kConnack));
    std::memcpy(packets + sizeof(kConnack), data, size);
    board.stream.load(packets, size + sizeof(kConnack));
    // Each loop reads one chunk; the bound covers a chunk of one byte at a time.
    for (size_t i = 0; i < size + 16 && !board.stream.drained(); ++i) board.app.loop();
    board.app.loop();
    return 0;
}
