// libFuzzer over the console: command lines as any port delivers them (the first byte
// picks who sent them: the serial console, a signed or an unsigned MQTT command).
#include <cstddef>
#include <cstdint>

#include "console.h"
#include "fuzz_board.h"
#include "reader_loop.h"

namespace {

class CheckedSink : public han::ReplySink {
public:
    void reply(const char* line) override {
        if (std::strlen(line) > han::kMaxReply) __builtin_trap();  // replies are whole lines within kMaxReply
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    fuzz::Board board;
    const han::Access access = static_cast<han::Access>(data[0] % 3);
    han::ConsoleLines lines;
    CheckedSink sink;
    for (size_t i = 1; i < size; ++i) {
        if (lines.push(static_cast<char>(data[i]))) han::run_console_command(board.app, lines.line(), sink, access);
    }
    if (lines.push('\n')) han::run_console_command(board.app, lines.line(), sink, access);
    return 0;
}
