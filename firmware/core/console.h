// The line-oriented console the manufacturing self-test drives (serial, stdin, MQTT).
#pragma once

#include <cstddef>

#include "command_auth.h"
#include "text.h"

namespace han {

// The longest command line the console runs; a longer one is refused whole, never cut short and run.
constexpr size_t kMaxCommandLine = 127;
// The longest line any command replies, terminator excluded: the status line with every
// count at ten digits (kMaxStatus in reader.h, 389 characters with its "status " prefix). The
// console builds every reply whole within it, so a sink sends the line it is given and needs
// no buffer of its own.
constexpr size_t kMaxReply = 389;

class ReaderApp;

class ReplySink {
public:
    virtual ~ReplySink() = default;
    // One whole reply line in RAM, at most kMaxReply characters.
    virtual void reply(const char* line) = 0;
};

// Runs one command line. Replies are stable, one fact a line:
//   version               -> "hanreader <semver>"
//   status                -> "status key=value ..."
//   config get            -> "key=value" for every field, then "ok"
//   config get KEY        -> "KEY=value"
//   config set KEY VALUE  -> "ok KEY=value" or "error: <what was wrong>"
//   reboot                -> "rebooting"
//   help                  -> the command list
// Anything else -> "error: ..." naming the command and "help"; a line longer than
// kMaxCommandLine -> "error: command longer than 127 characters, not run".
// With Access::ReadOnly, config set and reboot are refused saying how to sign them;
// command_secret and the meter keys are set only with Access::Console.
void run_console_command(ReaderApp& app, const char* line, ReplySink& sink, Access access = Access::Console);

// A command line as a log shows it: the value of `config set` on a secret setting (a
// password, the command secret) replaced by ********.
void write_loggable_command(const char* line, TextBuffer& out);

}  // namespace han
