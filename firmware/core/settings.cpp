#include "settings.h"

#include <cstddef>
#include <cstring>

namespace han {

namespace {

enum class Kind : uint8_t { Text, Port, Qos, Keepalive, Serial, Baud, Format, Temperature, Counter };

// What else a field is, besides its kind.
enum Flag : uint8_t {
    kSecret = 1,       // masked when read back, never sent to a browser
    kTopic = 2,        // an MQTT topic name: no + or # wildcards
    kStoredOnly = 4,   // kept by the reader in its settings file; no command sets it
    kEmptyOrMin = 8,   // empty means "none"; otherwise at least min_length characters
    kLocalOnly = 16,   // set on the console or in the portal only, never over MQTT, signed or not
    kHexKey = 32,      // an AES-128 key: empty or exactly 32 hex digits
};

// Read from flash through a RAM copy (find_spec, spec_at): the table costs no data RAM.
struct FieldSpec {
    char key[17];
    Kind kind;
    size_t offset;
    size_t capacity;   // text fields: bytes including the terminator
    size_t min_length; // text fields: 0 when optional
    uint8_t flags;
};

#define HAN_TEXT(member, min, flags) \
    {#member, Kind::Text, offsetof(Settings, member), sizeof(Settings::member), min, flags}
#define HAN_VALUE(member, kind, flags) {#member, kind, offsetof(Settings, member), 0, 0, flags}

const FieldSpec kSpecs[] HAN_FLASH = {
    HAN_TEXT(wifi_ssid, 0, 0),
    HAN_TEXT(wifi_password, 8, kSecret | kEmptyOrMin),  // WPA2: empty (open) or 8 to 63
    HAN_TEXT(mqtt_host, 1, 0),
    HAN_VALUE(mqtt_port, Kind::Port, 0),
    HAN_TEXT(mqtt_client_id, 0, 0),
    HAN_TEXT(mqtt_user, 0, 0),
    HAN_TEXT(mqtt_password, 0, kSecret),
    HAN_TEXT(topic, 1, kTopic),
    HAN_TEXT(command_topic, 0, kTopic),
    // 16 characters at least: a guessable secret would let anyone on the broker sign.
    HAN_TEXT(command_secret, 16, kSecret | kEmptyOrMin | kLocalOnly),
    HAN_VALUE(command_counter, Kind::Counter, kStoredOnly),
    HAN_TEXT(meter_key, 32, kSecret | kEmptyOrMin | kLocalOnly | kHexKey),
    HAN_TEXT(meter_auth_key, 32, kSecret | kEmptyOrMin | kLocalOnly | kHexKey),
    HAN_VALUE(mqtt_qos, Kind::Qos, 0),
    HAN_VALUE(keepalive_s, Kind::Keepalive, 0),
    HAN_VALUE(serial, Kind::Serial, 0),
    HAN_VALUE(baud, Kind::Baud, 0),
    HAN_VALUE(format, Kind::Format, 0),
    HAN_TEXT(discovery_prefix, 1, kTopic),
    HAN_VALUE(temperature, Kind::Temperature, 0),
};

#undef HAN_TEXT
#undef HAN_VALUE

constexpr size_t kSpecCount = sizeof(kSpecs) / sizeof(kSpecs[0]);

// The names of an enum's values: fixed-width rows of one flash table, in enum order.
struct NameList {
    const char* rows;
    size_t width;
    size_t count;
    const FlashText* at(size_t index) const { return as_flash_text(rows + index * width); }
};

const char kSerialRows[][5] HAN_FLASH = {"auto", "8E1", "8N1"};
const char kBaudRows[][7] HAN_FLASH = {"auto", "2400", "9600", "115200"};
const char kFormatRows[][14] HAN_FLASH = {"classic", "per-value", "homeassistant", "raw"};
// In flash, read through a RAM copy like the field table: as plain constants they took data RAM.
const NameList kSerialNames HAN_FLASH = {kSerialRows[0], sizeof(kSerialRows[0]), 3};
const NameList kFormatNames HAN_FLASH = {kFormatRows[0], sizeof(kFormatRows[0]), 4};
const NameList kBaudNames HAN_FLASH = {kBaudRows[0], sizeof(kBaudRows[0]), 4};
NameList serial_names() { return flash_read(kSerialNames); }
NameList format_names() { return flash_read(kFormatNames); }
NameList baud_names() { return flash_read(kBaudNames); }

FieldSpec spec_at(size_t index) { return flash_read(kSpecs[index]); }

bool find_spec(const char* key, FieldSpec& out) {
    for (size_t i = 0; i < kSpecCount; ++i) {
        if (flash_equals(key, as_flash_text(kSpecs[i].key))) {
            out = spec_at(i);
            return true;
        }
    }
    return false;
}

template <typename T>
T& member(Settings& settings, const FieldSpec& spec) {
    return *reinterpret_cast<T*>(reinterpret_cast<char*>(&settings) + spec.offset);
}

template <typename T>
const T& member(const Settings& settings, const FieldSpec& spec) {
    return *reinterpret_cast<const T*>(reinterpret_cast<const char*>(&settings) + spec.offset);
}

int find_name(NameList names, const char* value) {
    for (size_t i = 0; i < names.count; ++i) {
        if (flash_equals(value, names.at(i))) return static_cast<int>(i);
    }
    return -1;
}

void describe_names(TextBuffer& error, NameList names) {
    for (size_t i = 0; i < names.count; ++i) error.add(i ? HAN_F(", ") : HAN_F("")).add(names.at(i));
}

// Why a text value is refused, or null when it is fine.
const FlashText* text_refusal(const FieldSpec& spec, const char* value, size_t length) {
    for (const char* p = value; *p; ++p) {
        if (static_cast<unsigned char>(*p) < 0x20 || *p == 0x7F) return HAN_F(" must be printable text, not control characters");
        if ((spec.flags & kTopic) && (*p == '+' || *p == '#')) {
            return HAN_F(" must be a topic name without the wildcards + and #");
        }
    }
    uint8_t key[16];
    if ((spec.flags & kHexKey) && length == 2 * sizeof(key) && !parse_hex(value, key, sizeof(key), true)) {
        return HAN_F(" must be 32 hex digits (the meter's 16-byte key), or empty for none");
    }
    // Taken as written: a password that ends in a space would otherwise be trimmed on the next boot.
    if (length > 0 && (value[0] == ' ' || value[length - 1] == ' ')) {
        return HAN_F(" must not begin or end with a space (the value is taken as it is written)");
    }
    return nullptr;
}

bool set_text(Settings& settings, const FieldSpec& spec, const char* value, TextBuffer& error) {
    const size_t length = std::strlen(value);
    if (const FlashText* why = text_refusal(spec, value, length)) {
        error.add(spec.key).add(why);
        return false;
    }
    const bool empty_allowed = (spec.flags & kEmptyOrMin) && length == 0;
    if (length + 1 > spec.capacity || (length < spec.min_length && !empty_allowed)) {
        error.add(spec.key).add(HAN_F(" must be "));
        if (spec.flags & kEmptyOrMin) error.add(HAN_F("empty or "));
        error.add_uint(spec.min_length).add(HAN_F(" to "));
        error.add_uint(spec.capacity - 1).add(HAN_F(" characters, not ")).add_uint(length);
        return false;
    }
    std::memcpy(&member<char>(settings, spec), value, length + 1);
    return true;
}

bool set_number(uint32_t& out, const char* key, const char* value, uint32_t min, uint32_t max,
                TextBuffer& error) {
    if (parse_uint(value, max, out) && out >= min) return true;
    error.add(key).add(HAN_F(" must be a whole number from ")).add_uint(min).add(HAN_F(" to ")).add_uint(max);
    error.add(HAN_F(", not \"")).add(value).add('"');
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
    error.add(HAN_F("temperature must be empty (no sensor) or a number from -55 to 125, not \""));
    error.add(value).add('"');
    return false;
}

// The names of a named field's values; serial's for any other kind (never asked).
NameList names_of(Kind kind) {
    if (kind == Kind::Baud) return baud_names();
    return kind == Kind::Format ? format_names() : serial_names();
}

// A field whose value is one of a list of names. Not inlined: its name lists stay off the
// stack of set_value(), which the broker loop's deepest chain runs through.
[[gnu::noinline]] bool set_named(Settings& settings, const FieldSpec& spec, const char* value, TextBuffer& error) {
    const NameList names = names_of(spec.kind);
    const int index = find_name(names, value);
    if (index < 0) {
        error.add(spec.key).add(HAN_F(" must be one of "));
        describe_names(error, names);
        error.add(HAN_F(", not \"")).add(value).add('"');
        return false;
    }
    if (spec.kind == Kind::Serial) settings.serial = static_cast<SerialMode>(index);
    if (spec.kind == Kind::Baud) settings.baud = static_cast<LineBaud>(index);
    if (spec.kind == Kind::Format) settings.format = static_cast<OutputFormat>(index);
    return true;
}

bool set_value(Settings& settings, const FieldSpec& spec, const char* value, TextBuffer& error) {
    uint32_t number = 0;
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
    case Kind::Baud:
    case Kind::Format:
        return set_named(settings, spec, value, error);
    case Kind::Temperature:
        return set_temperature(settings, value, error);
    case Kind::Counter:
        if (!set_number(number, spec.key, value, 0, 0xFFFFFFFFu, error)) return false;
        settings.command_counter = number;
        return true;
    }
    return false;
}

void write_value(const Settings& settings, const FieldSpec& spec, TextBuffer& out) {
    switch (spec.kind) {
    case Kind::Text: out.add(&member<char>(settings, spec)); break;
    case Kind::Port: out.add_uint(settings.mqtt_port); break;
    case Kind::Qos: out.add_uint(settings.mqtt_qos); break;
    case Kind::Keepalive: out.add_uint(settings.keepalive_s); break;
    case Kind::Serial: out.add(serial_names().at(static_cast<size_t>(settings.serial))); break;
    case Kind::Baud: out.add(baud_names().at(static_cast<size_t>(settings.baud))); break;
    case Kind::Format: out.add(format_names().at(static_cast<size_t>(settings.format))); break;
    case Kind::Temperature:
        if (settings.has_temperature) out.add_decimal(settings.temperature);
        break;
    case Kind::Counter: out.add_uint(settings.command_counter); break;
    }
}

// Without trailing zeros in the mantissa: "-54.0" and "-54" are the same temperature.
Quantity normalized(Quantity q) {
    while (q.mantissa != 0 && q.mantissa % 10 == 0) {
        q.mantissa /= 10;
        ++q.exponent;
    }
    if (q.mantissa == 0) q.exponent = 0;
    return q;
}

bool same_number(const Quantity& a, const Quantity& b) {
    const Quantity x = normalized(a), y = normalized(b);
    return x.mantissa == y.mantissa && x.exponent == y.exponent;
}

// Compared in place, with no text buffers: this runs on the broker loop's stack.
bool field_equal(const Settings& a, const Settings& b, const FieldSpec& spec) {
    switch (spec.kind) {
    case Kind::Text: return std::strcmp(&member<char>(a, spec), &member<char>(b, spec)) == 0;
    case Kind::Port: return a.mqtt_port == b.mqtt_port;
    case Kind::Qos: return a.mqtt_qos == b.mqtt_qos;
    case Kind::Keepalive: return a.keepalive_s == b.keepalive_s;
    case Kind::Serial: return a.serial == b.serial;
    case Kind::Baud: return a.baud == b.baud;
    case Kind::Format: return a.format == b.format;
    case Kind::Counter: return a.command_counter == b.command_counter;
    case Kind::Temperature:
        return a.has_temperature == b.has_temperature &&
               (!a.has_temperature || same_number(a.temperature, b.temperature));
    }
    return false;
}

void write_field(const Settings& settings, const FieldSpec& spec, TextBuffer& out, bool mask_secrets) {
    out.add(spec.key).add('=');
    if (mask_secrets && (spec.flags & kSecret)) {
        if (member<char>(settings, spec) != '\0') out.add(HAN_F("********"));
    } else {
        write_value(settings, spec, out);
    }
}

}  // namespace

// Straight from the rows, with no NameList copy: this runs under apply_settings() on the broker loop.
const FlashText* serial_mode_name(SerialMode mode) { return as_flash_text(kSerialRows[static_cast<size_t>(mode)]); }

uint32_t line_baud_value(LineBaud baud) {
    if (baud == LineBaud::B9600) return 9600;
    return baud == LineBaud::B115200 ? 115200 : 2400;
}

size_t settings_key_count() { return kSpecCount; }
const FlashText* settings_key(size_t index) { return as_flash_text(kSpecs[index < kSpecCount ? index : 0].key); }

bool settings_key_is_secret(const char* key) {
    FieldSpec spec;
    return find_spec(key, spec) && (spec.flags & kSecret);
}

bool settings_key_is_stored_only(const char* key) {
    FieldSpec spec;
    return find_spec(key, spec) && (spec.flags & kStoredOnly);
}

bool settings_key_is_local_only(const char* key) {
    FieldSpec spec;
    return find_spec(key, spec) && (spec.flags & kLocalOnly);
}

bool settings_key_is_known(const char* key) {
    FieldSpec spec;
    return find_spec(key, spec);
}

bool settings_set(Settings& settings, const char* key, const char* value, TextBuffer& error) {
    FieldSpec spec;
    if (find_spec(key, spec)) {
        if (!(spec.flags & kStoredOnly)) return set_value(settings, spec, value, error);
        error.add(spec.key).add(HAN_F(" is kept by the reader itself and cannot be set"));
        return false;
    }
    // The settings a command can set: the ones the reader keeps itself are not named.
    error.add(HAN_F("unknown setting \"")).add(key).add(HAN_F("\"; known: "));
    for (size_t i = 0; i < kSpecCount; ++i) {
        if (spec_at(i).flags & kStoredOnly) continue;
        error.add(i ? HAN_F(", ") : HAN_F("")).add(settings_key(i));
    }
    return false;
}

bool settings_load_field(Settings& settings, const char* key, const char* value, TextBuffer& error) {
    FieldSpec spec;
    if (!find_spec(key, spec)) return false;
    // An empty text is how the file says "not set" (a board saved before it had a broker):
    // read back as it was written; settings_complete() then says what is missing.
    if (spec.kind == Kind::Text && value[0] == '\0') {
        member<char>(settings, spec) = '\0';
        return true;
    }
    return set_value(settings, spec, value, error);
}

bool settings_equal(const Settings& a, const Settings& b) {
    for (size_t i = 0; i < kSpecCount; ++i) {
        if (!field_equal(a, b, spec_at(i))) return false;
    }
    return std::strcmp(a.unknown, b.unknown) == 0;
}

bool settings_get(const Settings& settings, const char* key, TextBuffer& out, bool mask_secrets) {
    FieldSpec spec;
    if (!find_spec(key, spec)) return false;
    write_field(settings, spec, out, mask_secrets);
    return true;
}

void settings_write_all(const Settings& settings, TextBuffer& out, bool mask_secrets) {
    for (size_t i = 0; i < kSpecCount; ++i) {
        write_field(settings, spec_at(i), out, mask_secrets);
        out.add('\n');
    }
}

bool settings_complete(const Settings& settings, TextBuffer& error) {
    if (settings.mqtt_host[0] == '\0') {
        error.add(HAN_F("mqtt_host is not set; give --mqtt-host or set it in the config file"));
        return false;
    }
    return true;
}

}  // namespace han
