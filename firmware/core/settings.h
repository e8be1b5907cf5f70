// The reader's configuration: every field validated when set, whatever set it
// (config file, console, captive portal).
#pragma once

#include <cstddef>
#include <cstdint>

#include "reading.h"
#include "text.h"

namespace han {

enum class SerialMode : uint8_t { Auto, Even8E1, None8N1 };
enum class OutputFormat : uint8_t { Classic, PerValue, HomeAssistant, Raw };

const FlashText* serial_mode_name(SerialMode mode);

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
    uint8_t mqtt_qos = 0;
    uint16_t keepalive_s = 30;
    SerialMode serial = SerialMode::Auto;
    OutputFormat format = OutputFormat::Classic;
    char discovery_prefix[33] = "homeassistant";
    bool has_temperature = false;   // a DS18B20 (or, on the host, a configured value)
    Quantity temperature;
};

// Sets one field from text. On failure the field is unchanged and error holds
// one line naming the field, what it must be and what came.
bool settings_set(Settings& settings, const char* key, const char* value, TextBuffer& error);

// "key=value" for one field (passwords masked); false for an unknown key.
bool settings_get(const Settings& settings, const char* key, TextBuffer& out, bool mask_secrets);

// Every field as "key=value\n" lines, secrets included: the stored form.
void settings_write_all(const Settings& settings, TextBuffer& out, bool mask_secrets);

// Reads "key=value" lines (blank lines and # comments ignored); stops at the
// first bad line with error naming its line number.
bool settings_parse(Settings& settings, const char* text, TextBuffer& error);

// Settings a reader cannot run without (a broker host, a topic).
bool settings_complete(const Settings& settings, TextBuffer& error);

// Field names in display order, for the console's help and the portal's form.
size_t settings_key_count();
const FlashText* settings_key(size_t index);
bool settings_key_is_secret(const char* key);

}  // namespace han
