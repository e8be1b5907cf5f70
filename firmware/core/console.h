// The line-oriented console the manufacturing self-test drives (serial, stdin, MQTT).
#pragma once

namespace han {

class ReaderApp;

class ReplySink {
public:
    virtual ~ReplySink() = default;
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
// Anything else -> "error: ..." naming the command and "help".
void run_console_command(ReaderApp& app, const char* line, ReplySink& sink);

}  // namespace han
