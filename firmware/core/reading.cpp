#include "reading.h"

namespace han {

namespace {

// The names inline, not as pointers: one flash table with no strings in data RAM.
struct FieldNames {
    char canonical[23];
    char classic[5];
    char unit[6];
    char topic[34];
    char device_class[15];
};

const FieldNames kFields[] HAN_FLASH = {
    {"active_power_import", "P", "W", "meter/import/active", "power"},
    {"active_power_export", "PO", "W", "meter/export/active", "power"},
    {"reactive_power_import", "Q", "var", "meter/import/reactive", "reactive_power"},
    {"reactive_power_export", "QO", "var", "meter/export/reactive", "reactive_power"},
    {"current_l1", "I1", "A", "meter/l1/current", "current"},
    {"current_l2", "I2", "A", "meter/l2/current", "current"},
    {"current_l3", "I3", "A", "meter/l3/current", "current"},
    {"voltage_l1", "U1", "V", "meter/l1/voltage", "voltage"},
    {"voltage_l2", "U2", "V", "meter/l2/voltage", "voltage"},
    {"voltage_l3", "U3", "V", "meter/l3/voltage", "voltage"},
    {"active_energy_import", "tPI", "kWh", "meter/import/active/accumulated", "energy"},
    {"active_energy_export", "tPO", "kWh", "meter/export/active/accumulated", "energy"},
    {"reactive_energy_import", "tQI", "kvarh", "meter/import/reactive/accumulated", ""},
    {"reactive_energy_export", "tQO", "kvarh", "meter/export/reactive/accumulated", ""},
    {"list_version", "lv", "", "meter/dlms/version", ""},
    {"meter_id", "id", "", "meter/id", ""},
    {"meter_type", "type", "", "meter/type", ""},
    {"meter_time", "rtc", "", "meter/clock", ""},
};

static_assert(sizeof(kFields) / sizeof(kFields[0]) == static_cast<size_t>(Field::kCount),
              "one FieldInfo per Field");

}  // namespace

const FlashText* make_name(Make make) {
    static const char kNames[][9] HAN_FLASH = {"unknown", "kaifa", "kamstrup", "aidon"};  // Make order
    const size_t index = static_cast<size_t>(make);
    return as_flash_text(kNames[index < sizeof(kNames) / sizeof(kNames[0]) ? index : 0]);
}

FieldInfo field_info(Field field) {
    const FieldNames& names = kFields[static_cast<size_t>(field)];
    return {as_flash_text(names.canonical), as_flash_text(names.classic), as_flash_text(names.unit),
            as_flash_text(names.topic), as_flash_text(names.device_class)};
}

void Reading::clear() {
    make = Make::Unknown;
    list = 0;
    present = 0;
    extra_count = 0;
}

void Reading::add_extra(const uint8_t* obis, int64_t mantissa, int exponent) {
    if (extra_count >= kMaxExtras) return;
    Extra& extra = extras[extra_count++];
    extra.mantissa = mantissa;
    for (size_t i = 0; i < sizeof(extra.obis); ++i) extra.obis[i] = obis[i];
    extra.exponent = static_cast<int8_t>(exponent);
}

void Reading::set_number(Field field, int64_t mantissa, int exponent) {
    const size_t index = static_cast<size_t>(field);
    if (index >= kNumericFields) return;
    numbers[index].mantissa = mantissa;
    numbers[index].exponent = static_cast<int8_t>(exponent);
    present |= 1UL << index;
}

void Reading::set_text(Field field, const uint8_t* bytes, size_t length) {
    const size_t index = static_cast<size_t>(field);
    if (index < kNumericFields || index >= static_cast<size_t>(Field::kCount)) return;
    char* out = texts[index - kNumericFields];
    size_t n = 0;
    // Only printable ASCII reaches JSON and MQTT topics; anything else is not a meter string.
    for (size_t i = 0; i < length && n + 1 < kTextCapacity; ++i) {
        if (bytes[i] >= 0x20 && bytes[i] < 0x7F) out[n++] = static_cast<char>(bytes[i]);
    }
    out[n] = '\0';
    present |= 1UL << index;
}

const char* Reading::text(Field field) const {
    const size_t index = static_cast<size_t>(field);
    if (index < kNumericFields || index >= static_cast<size_t>(Field::kCount)) return "";
    return texts[index - kNumericFields];
}

}  // namespace han
