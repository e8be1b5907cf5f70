#include "console.h"

#include <cstring>

#include "reader.h"

namespace han {

namespace {

constexpr size_t kMaxLine = 200;

// Splits off the next space-separated word; returns the rest of the line after it.
const char* next_word(const char* text, char* word, size_t capacity) {
    while (*text == ' ') ++text;
    size_t n = 0;
    while (*text && *text != ' ') {
        if (n + 1 < capacity) word[n++] = *text;
        ++text;
    }
    word[n] = '\0';
    while (*text == ' ') ++text;
    return text;
}

void reply(ReplySink& sink, TextBuffer& text) {
    sink.reply(text.c_str());
    text.clear();
}

void config_get(ReaderApp& app, const char* key, ReplySink& sink) {
    FixedText<kMaxLine> out;
    if (*key) {
        if (!settings_get(app.settings(), key, out, true)) {
            out.add("error: unknown setting \"").add(key).add("\"; try config get");
        }
        return reply(sink, out);
    }
    for (size_t i = 0; i < settings_key_count(); ++i) {
        settings_get(app.settings(), settings_key(i), out, true);
        reply(sink, out);
    }
    sink.reply("ok");
}

void config_set(ReaderApp& app, const char* rest, ReplySink& sink) {
    char key[40];
    const char* value = next_word(rest, key, sizeof(key));
    FixedText<kMaxLine> out;
    if (key[0] == '\0') {
        sink.reply("error: usage: config set KEY VALUE");
        return;
    }
    FixedText<kMaxLine> error;
    if (!app.change_setting(key, value, error)) {
        out.add("error: ").add(error.c_str());
        return reply(sink, out);
    }
    out.add("ok ");
    settings_get(app.settings(), key, out, true);
    reply(sink, out);
}

}  // namespace

void run_console_command(ReaderApp& app, const char* line, ReplySink& sink) {
    char command[16], sub[16];
    const char* rest = next_word(line, command, sizeof(command));
    FixedText<kMaxLine * 2> out;
    if (command[0] == '\0') return;
    if (std::strcmp(command, "version") == 0) {
        out.add("hanreader ").add(kFirmwareVersion);
        return reply(sink, out);
    }
    if (std::strcmp(command, "status") == 0) {
        out.add("status ");
        app.write_status(out);
        return reply(sink, out);
    }
    if (std::strcmp(command, "reboot") == 0) {
        sink.reply("rebooting");
        app.reboot();
        return;
    }
    if (std::strcmp(command, "help") == 0) {
        sink.reply("commands: version, status, config get [KEY], config set KEY VALUE, reboot, help");
        return;
    }
    if (std::strcmp(command, "config") == 0) {
        rest = next_word(rest, sub, sizeof(sub));
        if (std::strcmp(sub, "get") == 0) return config_get(app, rest, sink);
        if (std::strcmp(sub, "set") == 0) return config_set(app, rest, sink);
        sink.reply("error: usage: config get [KEY] | config set KEY VALUE");
        return;
    }
    out.add("error: unknown command \"").add(command).add("\"; try help");
    reply(sink, out);
}

}  // namespace han
