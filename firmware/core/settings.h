// The reader's configuration: every field validated when set, whatever set it
// (config file, console, captive portal).
#pragma once

#include <cstddef>
#include <cstdint>

#include "reading.h"
#include "text.h"

namespace han {

enum class SerialMode : uint8_t { Auto, Even8E1, None8N1 };
enum class LineBaud : uint8_t { Auto, B2400, B9600, B115200 };
enum class OutputFormat : uint8_t { Classic, PerValue, HomeAssistant, Raw };

const FlashText* serial_mode_name(SerialMode mode);
// The rate in baud; 2400 (the Norwegian ports') for Auto, where detection starts.
uint32_t line_baud_value(LineBaud baud);

struct Settings {
    char wifi_ssid[33] = "";        // 802.11 allows 32 bytes
    char wifi_password[64] = "";    // WPA2: empty (open) or 8 to 63 characters
    char mqtt_host[65] = "";
    uint16_t mqtt_port = 1883;
    char mqtt_client_id[33] = "";   // MQTT 3.1.1 servers must accept 23; most take more
    char mqtt_user[33] = "";
    char mqtt_password[65] = "";
    char topic[65] = "ams";
    char command_topic[65] = "";
    // The key that signs commands over MQTT: empty (they only read) or 16 to 64 characters.
    char command_secret[65] = "";
    uint32_t command_counter = 0;   // the last signed command's counter: the next must be higher
    // An encrypting meter's keys (DLMS suite 0): empty or 32 hex digits. Set only on the
    // console or in the portal, like command_secret, and never shown.
    char meter_key[33] = "";        // the encryption key (GUEK)
    char meter_auth_key[33] = "";   // the authentication key (GAK); authenticated meters need it
    uint8_t mqtt_qos = 0;
    uint16_t keepalive_s = 30;
    SerialMode serial = SerialMode::Auto;
    LineBaud baud = LineBaud::Auto;
    OutputFormat format = OutputFormat::Classic;
    char discovery_prefix[33] = "homeassistant";
    bool has_temperature = false;   // a DS18B20 (or, on the host, a configured value)
    Quantity temperature;
    // "key=value\n" lines of keys another firmware version wrote: kept for it, not used.
    char unknown[96] = "";
};

// Sets one field from text. On failure the field is unchanged and error holds
// one line naming the field, what it must be and what came.
bool settings_set(Settings& settings, const char* key, const char* value, TextBuffer& error);

// "key=value" for one field (passwords masked); false for an unknown key.
bool settings_get(const Settings& settings, const char* key, TextBuffer& out, bool mask_secrets);

// Every field as "key=value\n" lines, secrets included unless masked.
void settings_write_all(const Settings& settings, TextBuffer& out, bool mask_secrets);

// The stored form: a version line, every field, the kept unknown lines and a CRC line.
void settings_write_stored(const Settings& settings, TextBuffer& out);

// Reads "key=value" lines (blank lines and # comments ignored; a line may end in \r\n).
// A file that begins with the version line must end with a matching CRC line; one
// without it is taken as written by hand. Unknown keys are kept in settings.unknown and
// skipped. Stops at the first bad line with error naming its line number; always
// returns, whatever the text.
bool settings_parse(Settings& settings, const char* text, TextBuffer& error);

// For the settings file only: sets a field as settings_set() does, the ones the reader
// keeps itself (command_counter) included; false for an unknown key, error untouched.
bool settings_load_field(Settings& settings, const char* key, const char* value, TextBuffer& error);

// Whether every field (and the kept unknown lines) is the same: an unchanged setting
// writes nothing to flash.
bool settings_equal(const Settings& a, const Settings& b);

// Settings a reader cannot run without (a broker host, a topic).
bool settings_complete(const Settings& settings, TextBuffer& error);

// Field names in display order, for the console's help and the portal's form.
size_t settings_key_count();
const FlashText* settings_key(size_t index);
bool settings_key_is_secret(const char* key);
// Kept by the reader (command_counter): shown, never set by a command or the portal.
bool settings_key_is_stored_only(const char* key);
// Secrets set only where someone holds the board (console, portal), never over MQTT.
bool settings_key_is_local_only(const char* key);
bool settings_key_is_known(const char* key);

}  // namespace han
