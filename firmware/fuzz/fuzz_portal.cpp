// libFuzzer over the set-up portal: request bytes arriving in pieces, the request
// assembly deciding when to answer, and the form handling.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_board.h"
#include "portal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::Board board;
    static han::PortalRequest request;
    static han::FixedText<8192> response;
    request.start(board.platform.millis());
    size_t at = 0;
    bool answered = false;
    while (!answered) {
        // Chunks of 1 to 256 bytes, as TCP segments may split a request; none left: wait out the time limit.
        size_t n = at < size ? 1 + data[at] : 0;
        if (n > size - at) n = size - at;
        if (n > request.room()) n = request.room();
        std::memcpy(request.space(), data + at, n);
        at += n;
        request.received(n);
        if (at >= size) board.platform.now_ms += han::kHttpRequestTimeoutMs;
        answered = request.answer(board.app, board.platform.now_ms, response);
    }
    if (response.overflowed() || std::memcmp(response.c_str(), "HTTP/1.1 ", 9) != 0) __builtin_trap();
    return 0;
}
