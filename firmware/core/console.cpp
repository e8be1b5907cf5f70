#include "console.h"

#include <cstring>

#include "reader.h"

namespace han {

namespace {

// Every reply is built whole in one buffer of the console's: the sinks send it as it is.
using Reply = FixedText<kMaxReply + 1>;

static_assert(sizeof("error: unknown setting \"") - 1 + kMaxCommandLine + sizeof("\"; try config get") - 1 <= kMaxReply,
              "config get's unknown-setting error quotes a key as long as the whole line");

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

void reply(ReplySink& sink, TextBuffer& out) {
    sink.reply(out.c_str());
    out.clear();
}

void config_get(ReaderApp& app, const char* key, Reply& out, ReplySink& sink) {
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
    reply(sink, out.add(HAN_F("ok")));
}

// A changing command that arrived unsigned over MQTT: refused, saying how to send it.
void refuse_unsigned(const FlashText* command, Reply& out, ReplySink& sink) {
    out.add(HAN_F("error: ")).add(command).add(HAN_F(" over MQTT needs a signed command (hanbench command --secret-file); "
                                                    "unsigned, only version, status, help and config get run"));
    reply(sink, out);
}

void config_set(ReaderApp& app, const char* rest, Reply& out, ReplySink& sink, Access access) {
    // Longer than any setting's name, short enough that the unknown-setting error, which
    // names every setting, still fits kMaxReply.
    char key[40];
    const char* value = next_word(rest, key, sizeof(key));
    if (key[0] == '\0') return reply(sink, out.add(HAN_F("error: usage: config set KEY VALUE")));
    if (access != Access::Console && settings_key_is_local_only(key)) {
        return reply(sink, out.add(HAN_F("error: ")).add(key).add(HAN_F(" is set only on the serial console or in the portal")));
    }
    // The error goes straight after its prefix: no second buffer under the save.
    if (!app.change_setting(key, value, out.add(HAN_F("error: ")))) return reply(sink, out);
    out.clear();
    out.add(HAN_F("ok "));
    settings_get(app.settings(), key, out, true);
    reply(sink, out);
}

}  // namespace

void write_loggable_command(const char* line, TextBuffer& out) {
    char command[16], sub[16], key[40];
    const char* rest = next_word(line, command, sizeof(command));
    rest = next_word(rest, sub, sizeof(sub));
    next_word(rest, key, sizeof(key));
    if (!flash_equals(command, HAN_F("config")) || !flash_equals(sub, HAN_F("set")) || !settings_key_is_secret(key)) {
        out.add(line);
        return;
    }
    out.add(HAN_F("config set ")).add(key).add(HAN_F(" ********"));
}

void run_console_command(ReaderApp& app, const char* line, ReplySink& sink, Access access) {
    Reply out;
    if (std::strlen(line) > kMaxCommandLine) {
        out.add(HAN_F("error: command longer than ")).add_uint(kMaxCommandLine).add(HAN_F(" characters, not run"));
        return reply(sink, out);
    }
    char command[16], sub[16];
    const char* rest = next_word(line, command, sizeof(command));
    if (command[0] == '\0') return;
    if (flash_equals(command, HAN_F("config"))) {
        rest = next_word(rest, sub, sizeof(sub));
        if (flash_equals(sub, HAN_F("get"))) return config_get(app, rest, out, sink);
        if (flash_equals(sub, HAN_F("set"))) {
            if (access == Access::ReadOnly) return refuse_unsigned(HAN_F("config set"), out, sink);
            return config_set(app, rest, out, sink, access);
        }
        out.add(HAN_F("error: usage: config get [KEY] | config set KEY VALUE"));
    } else if (flash_equals(command, HAN_F("reboot"))) {
        if (access == Access::ReadOnly) return refuse_unsigned(HAN_F("reboot"), out, sink);
        reply(sink, out.add(HAN_F("rebooting")));
        return app.reboot();
    } else if (flash_equals(command, HAN_F("help"))) {
        out.add(HAN_F("commands: version, status, config get [KEY], config set KEY VALUE, reboot, help"));
    } else if (flash_equals(command, HAN_F("version"))) {
        out.add(HAN_F("hanreader ")).add(as_flash_text(kFirmwareVersion));
    } else if (flash_equals(command, HAN_F("status"))) {
        app.write_status(out.add(HAN_F("status ")));
    } else {
        out.add(HAN_F("error: unknown command \"")).add(command).add(HAN_F("\"; try help"));
    }
    reply(sink, out);
}

}  // namespace han
