#include "cosem_fields.h"

namespace han {

namespace {

struct ObisEntry {
    uint8_t a, c, d, e;
    Field field;
};

// B (the channel) differs between makes (Kamstrup 1, Aidon 0) and F is always 255,
// so A, C, D and E identify a value.
const ObisEntry kObisTable[] HAN_FLASH = {
    {1, 1, 7, 0, Field::ActivePowerImport},
    {1, 2, 7, 0, Field::ActivePowerExport},
    {1, 3, 7, 0, Field::ReactivePowerImport},
    {1, 4, 7, 0, Field::ReactivePowerExport},
    {1, 31, 7, 0, Field::CurrentL1},
    {1, 51, 7, 0, Field::CurrentL2},
    {1, 71, 7, 0, Field::CurrentL3},
    {1, 32, 7, 0, Field::VoltageL1},
    {1, 52, 7, 0, Field::VoltageL2},
    {1, 72, 7, 0, Field::VoltageL3},
    {1, 1, 8, 0, Field::ActiveEnergyImport},
    {1, 2, 8, 0, Field::ActiveEnergyExport},
    {1, 3, 8, 0, Field::ReactiveEnergyImport},
    {1, 4, 8, 0, Field::ReactiveEnergyExport},
    {1, 0, 2, 129, Field::ListVersion},  // Aidon
    {1, 0, 0, 5, Field::MeterId},        // Kamstrup
    {0, 96, 1, 0, Field::MeterId},       // Aidon
    {1, 96, 1, 1, Field::MeterType},     // Kamstrup
    {0, 96, 1, 7, Field::MeterType},     // Aidon
    {0, 1, 0, 0, Field::MeterTime},
};

bool field_for_obis(const uint8_t* obis, Field& out) {
    for (const ObisEntry& flash_entry : kObisTable) {
        const ObisEntry entry = flash_read(flash_entry);
        if (obis[0] == entry.a && obis[2] == entry.c && obis[3] == entry.d && obis[4] == entry.e) {
            out = entry.field;
            return true;
        }
    }
    return false;
}

bool is_energy(Field field) {
    return field >= Field::ActiveEnergyImport && field <= Field::ReactiveEnergyExport;
}

bool is_current(Field field) { return field >= Field::CurrentL1 && field <= Field::CurrentL3; }

void put_digits(char* out, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

bool is_obis(const AxdrValue& value) { return value.tag == tag::kOctetString && value.length == 6; }

int kamstrup_exponent(const uint8_t* obis) {
    Field field;
    if (!field_for_obis(obis, field)) return 0;
    if (is_current(field)) return -2;
    if (is_energy(field)) return 1;
    return 0;
}

void assign_obis_value(Reading& out, const uint8_t* obis, const AxdrValue& value, int exponent) {
    Field field;
    if (!field_for_obis(obis, field)) {
        if (value.is_integer()) out.add_extra(obis, value.integer, exponent);
        return;
    }
    if (field == Field::MeterTime) {
        if (value.is_string() || value.tag == tag::kDateTime) {
            assign_date_time(out, value.bytes, value.length);
        }
    } else if (static_cast<size_t>(field) >= kNumericFields) {
        if (value.is_string()) out.set_text(field, value.bytes, value.length);
    } else if (value.is_integer()) {
        out.set_number(field, value.integer, exponent);
    }
}

void assign_date_time(Reading& out, const uint8_t* stamp, size_t length) {
    if (length != 12) return;
    const unsigned year = (static_cast<unsigned>(stamp[0]) << 8) | stamp[1];
    const unsigned month = stamp[2], day = stamp[3], hour = stamp[5];
    const unsigned minute = stamp[6], second = stamp[7];
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
        hour > 23 || minute > 59 || second > 59) {
        return;
    }
    char text[20];
    put_digits(text, year, 4);
    text[4] = '-';
    put_digits(text + 5, month, 2);
    text[7] = '-';
    put_digits(text + 8, day, 2);
    text[10] = 'T';
    put_digits(text + 11, hour, 2);
    text[13] = ':';
    put_digits(text + 14, minute, 2);
    text[16] = ':';
    put_digits(text + 17, second, 2);
    out.set_text(Field::MeterTime, reinterpret_cast<const uint8_t*>(text), 19);
}

DecodeStatus assign_kaifa_values(Reading& out, const int64_t* numbers, size_t count,
                                 const int64_t* energies, size_t energy_count) {
    static const Field kPowers[] HAN_FLASH = {Field::ActivePowerImport, Field::ActivePowerExport,
                                    Field::ReactivePowerImport, Field::ReactivePowerExport};
    static const Field kThreePhase[] HAN_FLASH = {Field::CurrentL1, Field::CurrentL2, Field::CurrentL3,
                                        Field::VoltageL1, Field::VoltageL2, Field::VoltageL3};
    static const Field kOnePhase[] HAN_FLASH = {Field::CurrentL1, Field::VoltageL1};
    if (energy_count != 0 && energy_count != 4) return DecodeStatus::UnknownLayout;
    if (count == 1 && energy_count == 0) {
        out.set_number(Field::ActivePowerImport, numbers[0], 0);
        return DecodeStatus::Ok;
    }
    if (count != 10 && count != 6) return DecodeStatus::UnknownLayout;
    const Field* phases = count == 10 ? kThreePhase : kOnePhase;
    const size_t phase_values = count - 4;
    for (size_t i = 0; i < 4; ++i) out.set_number(flash_read(kPowers[i]), numbers[i], 0);
    // Current in mA, voltage in 0.1 V.
    for (size_t i = 0; i < phase_values; ++i) {
        const Field phase = flash_read(phases[i]);
        out.set_number(phase, numbers[4 + i], is_current(phase) ? -3 : -1);
    }
    for (size_t i = 0; i < energy_count; ++i) {
        out.set_number(static_cast<Field>(static_cast<size_t>(Field::ActiveEnergyImport) + i),
                       energies[i], 0);
    }
    return DecodeStatus::Ok;
}

}  // namespace han
