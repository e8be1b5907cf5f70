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

// Sinks write to the platform (UART, stdout, MQTT), which reads plain RAM: copy first.
void reply(ReplySink& sink, const FlashText* text) {
    FixedText<kMaxLine> out;
    out.add(text);
    reply(sink, out);
}

void config_get(ReaderApp& app, const char* key, ReplySink& sink) {
    FixedText<kMaxLine> out;
    if (*key) {
        if (!settings_get(app.settings(), key, out, true)) {
            out.add(HAN_F("error: unknown setting \"")).add(key).add(HAN_F("\"; try config get"));
        }
        return reply(sink, out);
    }
    for (size_t i = 0; i < settings_key_count(); ++i) {
        FixedText<24> name;
        name.add(settings_key(i));
        settings_get(app.settings(), name.c_str(), out, true);
        reply(sink, out);
    }
    reply(sink, HAN_F("ok"));
}

void config_set(ReaderApp& app, const char* rest, ReplySink& sink) {
    char key[40];
    const char* value = next_word(rest, key, sizeof(key));
    FixedText<kMaxLine> out;
    if (key[0] == '\0') {
        reply(sink, HAN_F("error: usage: config set KEY VALUE"));
        return;
    }
    FixedText<kMaxLine> error;
    if (!app.change_setting(key, value, error)) {
        out.add(HAN_F("error: ")).add(error.c_str());
        return reply(sink, out);
    }
    out.add(HAN_F("ok "));
    settings_get(app.settings(), key, out, true);
    reply(sink, out);
}

}  // namespace

void run_console_command(ReaderApp& app, const char* line, ReplySink& sink) {
    char command[16], sub[16];
    const char* rest = next_word(line, command, sizeof(command));
    if (command[0] == '\0') return;
    // Before out is declared, so config set (which saves the settings) runs without it on the stack.
    if (flash_equals(command, HAN_F("config"))) {
        rest = next_word(rest, sub, sizeof(sub));
        if (flash_equals(sub, HAN_F("get"))) return config_get(app, rest, sink);
        if (flash_equals(sub, HAN_F("set"))) return config_set(app, rest, sink);
        reply(sink, HAN_F("error: usage: config get [KEY] | config set KEY VALUE"));
        return;
    }
    if (flash_equals(command, HAN_F("reboot"))) {
        reply(sink, HAN_F("rebooting"));
        app.reboot();
        return;
    }
    if (flash_equals(command, HAN_F("help"))) {
        reply(sink, HAN_F("commands: version, status, config get [KEY], config set KEY VALUE, reboot, help"));
        return;
    }
    FixedText<kMaxLine * 2> out;
    if (flash_equals(command, HAN_F("version"))) {
        out.add(HAN_F("hanreader ")).add(as_flash_text(kFirmwareVersion));
    } else if (flash_equals(command, HAN_F("status"))) {
        out.add(HAN_F("status "));
        app.write_status(out);
    } else {
        out.add(HAN_F("error: unknown command \"")).add(command).add(HAN_F("\"; try help"));
    }
    reply(sink, out);
}

}  // namespace han
