// A decoded meter list: canonical fields, each an exact decimal in SI units.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flash.h"

namespace han {

enum class Make : uint8_t { Unknown, Kaifa, Kamstrup, Aidon };

const FlashText* make_name(Make make);

// Numbers are kept as mantissa * 10^exponent, exactly as the meter scaled them,
// so 1380 mA prints as 1.38 and never as 1.3799999.
struct Quantity {
    int64_t mantissa = 0;
    int8_t exponent = 0;
};

enum class Field : uint8_t {
    ActivePowerImport,
    ActivePowerExport,
    ReactivePowerImport,
    ReactivePowerExport,
    CurrentL1,
    CurrentL2,
    CurrentL3,
    VoltageL1,
    VoltageL2,
    VoltageL3,
    ActiveEnergyImport,
    ActiveEnergyExport,
    ReactiveEnergyImport,
    ReactiveEnergyExport,
    kNumericCount,
    ListVersion = kNumericCount,
    MeterId,
    MeterType,
    MeterTime,
    kCount,
};

constexpr size_t kNumericFields = static_cast<size_t>(Field::kNumericCount);
constexpr size_t kTextFields = static_cast<size_t>(Field::kCount) - kNumericFields;
constexpr size_t kTextCapacity = 32;  // longest seen: Kamstrup's 18-char meter type

// Names and units shared by every output format, as text in flash.
struct FieldInfo {
    const FlashText* canonical;     // the bench's canonical name, e.g. "active_power_import"
    const FlashText* classic;       // the classic JSON key, e.g. "P"
    const FlashText* unit;          // SI unit as published ("kWh" for energies), "" for text
    const FlashText* topic;         // one-topic-per-value suffix, e.g. "meter/import/active"
    const FlashText* device_class;  // Home Assistant's device class, "" for none
};

FieldInfo field_info(Field field);

// A number under an OBIS code no canonical field has (a meter's power factor, say): the
// classic document keeps it under "extra", keyed by the code, as the Python decoder does.
struct Extra {
    int64_t mantissa;
    uint8_t obis[6];
    int8_t exponent;
};
// Extras kept of one list: the first ones in list order. Each costs 16 B of RAM here and
// 53 B of the classic document's bound, in the 4 KiB of data RAM the core has.
constexpr size_t kMaxExtras = 4;

struct Reading {
    Make make = Make::Unknown;
    uint8_t list = 0;  // 1, 2 or 3 (Kamstrup's 10 s list is 2, its hourly list 3)
    uint8_t extra_count = 0;
    uint32_t present = 0;
    Quantity numbers[kNumericFields];
    char texts[kTextFields][kTextCapacity];
    Extra extras[kMaxExtras];

    bool has(Field field) const { return present & (1UL << static_cast<unsigned>(field)); }
    void clear();
    void set_number(Field field, int64_t mantissa, int exponent);
    void set_text(Field field, const uint8_t* bytes, size_t length);
    // Keeps a number under its OBIS code; one beyond kMaxExtras is left out.
    void add_extra(const uint8_t* obis, int64_t mantissa, int exponent);
    const Quantity& number(Field field) const { return numbers[static_cast<size_t>(field)]; }
    const char* text(Field field) const;
};

}  // namespace han
