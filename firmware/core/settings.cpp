#include "settings.h"

#include <cstddef>
#include <cstring>

namespace han {

namespace {

enum class Kind : uint8_t { Text, Port, Qos, Keepalive, Serial, Format, Temperature };

struct FieldSpec {
    const char* key;
    Kind kind;
    size_t offset;
    size_t capacity;   // text fields: bytes including the terminator
    size_t min_length; // text fields: 0 when optional
    bool secret;
};

#define HAN_TEXT(member, min, secret) \
    {#member, Kind::Text, offsetof(Settings, member), sizeof(Settings::member), min, secret}
#define HAN_VALUE(member, kind) {#member, kind, offsetof(Settings, member), 0, 0, false}

const FieldSpec kSpecs[] = {
    HAN_TEXT(wifi_ssid, 0, false),
    HAN_TEXT(wifi_password, 0, true),
    HAN_TEXT(mqtt_host, 1, false),
    HAN_VALUE(mqtt_port, Kind::Port),
    HAN_TEXT(mqtt_client_id, 0, false),
    HAN_TEXT(mqtt_user, 0, false),
    HAN_TEXT(mqtt_password, 0, true),
    HAN_TEXT(topic, 1, false),
    HAN_TEXT(command_topic, 0, false),
    HAN_VALUE(mqtt_qos, Kind::Qos),
    HAN_VALUE(keepalive_s, Kind::Keepalive),
    HAN_VALUE(serial, Kind::Serial),
    HAN_VALUE(format, Kind::Format),
    HAN_TEXT(discovery_prefix, 1, false),
    HAN_VALUE(temperature, Kind::Temperature),
};

#undef HAN_TEXT
#undef HAN_VALUE

const char* const kSerialNames[] = {"auto", "8E1", "8N1"};
const char* const kFormatNames[] = {"classic", "per-value", "homeassistant", "raw"};

const FieldSpec* find_spec(const char* key) {
    for (const FieldSpec& spec : kSpecs) {
        if (std::strcmp(spec.key, key) == 0) return &spec;
    }
    return nullptr;
}

template <typename T>
T& member(Settings& settings, const FieldSpec& spec) {
    return *reinterpret_cast<T*>(reinterpret_cast<char*>(&settings) + spec.offset);
}

template <typename T>
const T& member(const Settings& settings, const FieldSpec& spec) {
    return *reinterpret_cast<const T*>(reinterpret_cast<const char*>(&settings) + spec.offset);
}

int find_name(const char* const* names, size_t count, const char* value) {
    for (size_t i = 0; i < count; ++i) {
        if (std::strcmp(names[i], value) == 0) return static_cast<int>(i);
    }
    return -1;
}

void describe_names(TextBuffer& error, const char* const* names, size_t count) {
    for (size_t i = 0; i < count; ++i) error.add(i ? ", " : "").add(names[i]);
}

bool set_text(Settings& settings, const FieldSpec& spec, const char* value, TextBuffer& error) {
    const size_t length = std::strlen(value);
    for (const char* p = value; *p; ++p) {
        if (static_cast<unsigned char>(*p) < 0x20 || *p == 0x7F) {
            error.add(spec.key).add(" must be printable text, not control characters");
            return false;
        }
    }
    if (length + 1 > spec.capacity || length < spec.min_length) {
        error.add(spec.key).add(" must be ").add_uint(spec.min_length).add(" to ");
        error.add_uint(spec.capacity - 1).add(" characters, not ").add_uint(length);
        return false;
    }
    if (std::strcmp(spec.key, "wifi_password") == 0 && length > 0 && length < 8) {
        error.add("wifi_password must be empty (open network) or 8 to 63 characters, not ");
        error.add_uint(length);
        return false;
    }
    std::memcpy(&member<char>(settings, spec), value, length + 1);
    return true;
}

bool set_number(uint32_t& out, const char* key, const char* value, uint32_t min, uint32_t max,
                TextBuffer& error) {
    if (parse_uint(value, max, out) && out >= min) return true;
    error.add(key).add(" must be a whole number from ").add_uint(min).add(" to ").add_uint(max);
    error.add(", not \"").add(value).add('"');
    return false;
}

bool set_temperature(Settings& settings, const char* value, TextBuffer& error) {
    if (*value == '\0') {
        settings.has_temperature = false;
        return true;
    }
    Quantity q;
    // The DS18B20 measures -55 to +125 degC.
    if (parse_decimal(value, q) && q.exponent >= -4) {
        int64_t scale = 1;
        for (int i = q.exponent; i < 0; ++i) scale *= 10;
        if (q.mantissa >= -55 * scale && q.mantissa <= 125 * scale) {
            settings.temperature = q;
            settings.has_temperature = true;
            return true;
        }
    }
    error.add("temperature must be empty (no sensor) or a number from -55 to 125, not \"");
    error.add(value).add('"');
    return false;
}

bool set_value(Settings& settings, const FieldSpec& spec, const char* value, TextBuffer& error) {
    uint32_t number = 0;
    int index = -1;
    switch (spec.kind) {
    case Kind::Text:
        return set_text(settings, spec, value, error);
    case Kind::Port:
        if (!set_number(number, spec.key, value, 1, 65535, error)) return false;
        settings.mqtt_port = static_cast<uint16_t>(number);
        return true;
    case Kind::Qos:
        if (!set_number(number, spec.key, value, 0, 1, error)) return false;
        settings.mqtt_qos = static_cast<uint8_t>(number);
        return true;
    case Kind::Keepalive:
        // Under 5 s floods a 2400-baud reader's broker link; over 65535 does not fit the field.
        if (!set_number(number, spec.key, value, 5, 65535, error)) return false;
        settings.keepalive_s = static_cast<uint16_t>(number);
        return true;
    case Kind::Serial:
        index = find_name(kSerialNames, 3, value);
        if (index >= 0) settings.serial = static_cast<SerialMode>(index);
        break;
    case Kind::Format:
        index = find_name(kFormatNames, 4, value);
        if (index >= 0) settings.format = static_cast<OutputFormat>(index);
        break;
    case Kind::Temperature:
        return set_temperature(settings, value, error);
    }
    if (index >= 0) return true;
    error.add(spec.key).add(" must be one of ");
    if (spec.kind == Kind::Serial) describe_names(error, kSerialNames, 3);
    if (spec.kind == Kind::Format) describe_names(error, kFormatNames, 4);
    error.add(", not \"").add(value).add('"');
    return false;
}

void write_value(const Settings& settings, const FieldSpec& spec, TextBuffer& out) {
    switch (spec.kind) {
    case Kind::Text: out.add(&member<char>(settings, spec)); break;
    case Kind::Port: out.add_uint(settings.mqtt_port); break;
    case Kind::Qos: out.add_uint(settings.mqtt_qos); break;
    case Kind::Keepalive: out.add_uint(settings.keepalive_s); break;
    case Kind::Serial: out.add(kSerialNames[static_cast<size_t>(settings.serial)]); break;
    case Kind::Format: out.add(kFormatNames[static_cast<size_t>(settings.format)]); break;
    case Kind::Temperature:
        if (settings.has_temperature) out.add_decimal(settings.temperature);
        break;
    }
}

}  // namespace

const char* serial_mode_name(SerialMode mode) { return kSerialNames[static_cast<size_t>(mode)]; }

size_t settings_key_count() { return sizeof(kSpecs) / sizeof(kSpecs[0]); }
const char* settings_key(size_t index) { return index < settings_key_count() ? kSpecs[index].key : ""; }

bool settings_key_is_secret(const char* key) {
    const FieldSpec* spec = find_spec(key);
    return spec && spec->secret;
}

bool settings_set(Settings& settings, const char* key, const char* value, TextBuffer& error) {
    const FieldSpec* spec = find_spec(key);
    if (spec) return set_value(settings, *spec, value, error);
    error.add("unknown setting \"").add(key).add("\"; known: ");
    for (size_t i = 0; i < settings_key_count(); ++i) error.add(i ? ", " : "").add(kSpecs[i].key);
    return false;
}

bool settings_get(const Settings& settings, const char* key, TextBuffer& out, bool mask_secrets) {
    const FieldSpec* spec = find_spec(key);
    if (!spec) return false;
    out.add(spec->key).add('=');
    if (mask_secrets && spec->secret) {
        if (member<char>(settings, *spec) != '\0') out.add("********");
    } else {
        write_value(settings, *spec, out);
    }
    return true;
}

void settings_write_all(const Settings& settings, TextBuffer& out, bool mask_secrets) {
    for (const FieldSpec& spec : kSpecs) {
        settings_get(settings, spec.key, out, mask_secrets);
        out.add('\n');
    }
}

bool settings_parse(Settings& settings, const char* text, TextBuffer& error) {
    char line[160];
    unsigned line_number = 0;
    const char* p = text;
    while (*p) {
        const char* end = std::strchr(p, '\n');
        size_t length = end ? static_cast<size_t>(end - p) : std::strlen(p);
        ++line_number;
        if (length >= sizeof(line)) {
            error.add("line ").add_uint(line_number).add(": longer than ").add_uint(sizeof(line) - 1);
            error.add(" characters");
            return false;
        }
        std::memcpy(line, p, length);
        while (length > 0 && (line[length - 1] == '\r' || line[length - 1] == ' ')) --length;
        line[length] = '\0';
        p = end ? end + 1 : p + length;
        if (line[0] == '\0' || line[0] == '#') continue;
        char* equals = std::strchr(line, '=');
        if (!equals) {
            error.add("line ").add_uint(line_number).add(": expected key=value, not \"").add(line).add('"');
            return false;
        }
        *equals = '\0';
        TextBuffer::Mark mark = error.mark();
        error.add("line ").add_uint(line_number).add(": ");
        if (!settings_set(settings, line, equals + 1, error)) return false;
        error.reset(mark);
    }
    return true;
}

bool settings_complete(const Settings& settings, TextBuffer& error) {
    if (settings.mqtt_host[0] == '\0') {
        error.add("mqtt_host is not set; give --mqtt-host or set it in the config file");
        return false;
    }
    return true;
}

}  // namespace han
