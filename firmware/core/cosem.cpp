#include "cosem.h"

#include <cstring>

#include "axdr.h"
#include "cosem_fields.h"

namespace han {

namespace {

constexpr uint8_t kDataNotification = 0x0F;
constexpr size_t kDateTimeLength = 12;
constexpr size_t kMaxItems = 64;  // Aidon's list 3 has 18; anything far beyond is noise
// Meters scale by -3..+3 (mA, 0.1 V, 10 Wh); beyond this range a scaler is noise, and
// the published decimal would outgrow its bound (kMaxDecimalText in output.h).
constexpr int64_t kMinScaler = -9;
constexpr int64_t kMaxScaler = 6;

DecodeStatus read_header(AxdrReader& reader, Reading& out) {
    const uint8_t* llc = nullptr;
    if (!reader.raw(3, llc)) return DecodeStatus::NotLlc;
    if (llc[0] != 0xE6 || llc[1] != 0xE7 || llc[2] != 0x00) return DecodeStatus::NotLlc;
    uint8_t apdu = 0;
    if (!reader.byte(apdu) || apdu != kDataNotification) return DecodeStatus::NotNotification;
    const uint8_t* invoke_id = nullptr;
    uint8_t form = 0;
    if (!reader.raw(4, invoke_id) || !reader.byte(form)) return DecodeStatus::BadHeader;
    // Kaifa and older Kamstrup firmware: 09 0C + 12 bytes; Kamstrup rev U1: bare 0C + 12;
    // Aidon: 00 (no date-time in the header).
    if (form == tag::kNull) return DecodeStatus::Ok;
    if (form == tag::kOctetString && !(reader.byte(form) && form == kDateTimeLength)) {
        return DecodeStatus::BadHeader;
    }
    if (form != kDateTimeLength) return DecodeStatus::BadHeader;
    const uint8_t* stamp = nullptr;
    if (!reader.raw(kDateTimeLength, stamp)) return DecodeStatus::BadHeader;
    assign_date_time(out, stamp, kDateTimeLength);
    return DecodeStatus::Ok;
}

// Kaifa: positional values. Strings first (list version, meter ID, type), then the
// powers and phase values, then on list 3 the clock and the four energy counters.
DecodeStatus decode_positional(AxdrReader& reader, size_t count, Reading& out) {
    int64_t before_clock[10];
    int64_t after_clock[4];
    size_t numbers = 0, energies = 0, strings = 0;
    bool clock_seen = false;
    for (size_t i = 0; i < count; ++i) {
        AxdrValue value;
        if (!reader.next(value)) return DecodeStatus::BadBody;
        if (value.is_string() && value.length == kDateTimeLength && strings == 3) {
            if (clock_seen) return DecodeStatus::UnknownLayout;
            assign_date_time(out, value.bytes, value.length);
            clock_seen = true;
        } else if (value.is_string()) {
            if (strings == 3 || numbers > 0) return DecodeStatus::UnknownLayout;
            out.set_text(static_cast<Field>(static_cast<size_t>(Field::ListVersion) + strings++),
                         value.bytes, value.length);
        } else if (value.is_integer() && !clock_seen && numbers < 10) {
            before_clock[numbers++] = value.integer;
        } else if (value.is_integer() && clock_seen && energies < 4) {
            after_clock[energies++] = value.integer;
        } else {
            return DecodeStatus::UnknownLayout;
        }
    }
    return assign_kaifa_values(out, before_clock, numbers, after_clock, energies);
}

// Kamstrup: the list version, then OBIS code and value pair after pair; null
// pairs stand in for the phases a single-phase meter lacks.
DecodeStatus decode_obis_pairs(AxdrReader& reader, size_t count, Reading& out) {
    if (count % 2 != 0) return DecodeStatus::UnknownLayout;
    for (size_t i = 0; i < count; i += 2) {
        AxdrValue key, value;
        if (!reader.next(key)) return DecodeStatus::BadBody;
        if (key.tag == tag::kNull) {
            if (!reader.skip()) return DecodeStatus::BadBody;
            continue;
        }
        if (!is_obis(key) || !reader.next(value)) return DecodeStatus::BadBody;
        if (value.is_container()) return DecodeStatus::UnknownLayout;
        assign_obis_value(out, key.bytes, value, kamstrup_exponent(key.bytes));
    }
    return DecodeStatus::Ok;
}

// Aidon: an array of structures, {OBIS, value} or {OBIS, value, {scaler, unit}}.
DecodeStatus decode_obis_structs(AxdrReader& reader, size_t count, Reading& out) {
    for (size_t i = 0; i < count; ++i) {
        AxdrValue item, key, value;
        if (!reader.next(item) || item.tag != tag::kStructure) return DecodeStatus::BadBody;
        if (item.length < 2 || item.length > 3) return DecodeStatus::UnknownLayout;
        if (!reader.next(key) || !is_obis(key) || !reader.next(value)) return DecodeStatus::BadBody;
        if (value.is_container()) return DecodeStatus::UnknownLayout;
        int exponent = 0;
        if (item.length == 3) {
            AxdrValue scaler_unit, scaler, unit;
            if (!reader.next(scaler_unit) || scaler_unit.tag != tag::kStructure ||
                scaler_unit.length != 2 || !reader.next(scaler) || !reader.next(unit) ||
                scaler.tag != tag::kInteger || unit.tag != tag::kEnum) {
                return DecodeStatus::BadBody;
            }
            if (scaler.integer < kMinScaler || scaler.integer > kMaxScaler) return DecodeStatus::UnknownLayout;
            exponent = static_cast<int>(scaler.integer);
        }
        assign_obis_value(out, key.bytes, value, exponent);
    }
    return DecodeStatus::Ok;
}

Make make_from_list_version(const uint8_t* bytes, size_t length) {
    if (flash_starts(bytes, length, HAN_F("KFM_"))) return Make::Kaifa;
    if (flash_starts(bytes, length, HAN_F("Kamstrup_"))) return Make::Kamstrup;
    if (flash_starts(bytes, length, HAN_F("AIDON_"))) return Make::Aidon;
    return Make::Unknown;
}

DecodeStatus decode_structure(AxdrReader& reader, size_t count, Reading& out) {
    uint8_t first_tag = 0;
    if (!reader.peek(first_tag)) return DecodeStatus::BadBody;
    if (first_tag != tag::kOctetString && first_tag != tag::kVisibleString) {
        // Kaifa's list 1: one bare number, no list version to name the make.
        out.make = Make::Kaifa;
        return decode_positional(reader, count, out);
    }
    AxdrReader probe = reader;
    AxdrValue version;
    if (!probe.next(version)) return DecodeStatus::BadBody;
    out.make = make_from_list_version(version.bytes, version.length);
    if (out.make == Make::Kamstrup) {
        out.set_text(Field::ListVersion, version.bytes, version.length);
        return decode_obis_pairs(probe, count - 1, out);
    }
    if (out.make == Make::Kaifa) return decode_positional(reader, count, out);
    return DecodeStatus::UnknownLayout;
}

uint8_t list_number(const Reading& reading) {
    if (reading.has(Field::ActiveEnergyImport) || reading.has(Field::ActiveEnergyExport)) return 3;
    const uint32_t power_only = (1UL << static_cast<unsigned>(Field::ActivePowerImport)) |
                                (1UL << static_cast<unsigned>(Field::MeterTime));
    return (reading.present & ~power_only) == 0 ? 1 : 2;
}

}  // namespace

const FlashText* decode_status_text(DecodeStatus status) {
    // Rows in DecodeStatus order; a table of pointers would sit in data RAM.
    static const char kTexts[][52] HAN_FLASH = {
        "ok",
        "expected LLC header E6 E7 00",
        "expected a data-notification APDU (0F)",
        "expected invoke id and a 09 0C, 0C or 00 date-time",
        "A-XDR element cut short or of an unknown type",
        "no known Kaifa, Kamstrup or Aidon list layout",
    };
    const size_t index = static_cast<size_t>(status);
    return as_flash_text(kTexts[index < sizeof(kTexts) / sizeof(kTexts[0]) ? index : 0]);
}

DecodeStatus PushDecoder::decode(const uint8_t* info, size_t length, Reading& out) {
    out.clear();
    AxdrReader reader(info, length);
    DecodeStatus status = read_header(reader, out);
    if (status != DecodeStatus::Ok) return status;
    AxdrValue body;
    if (!reader.next(body)) return DecodeStatus::BadBody;
    if (!body.is_container() || body.length == 0 || body.length > kMaxItems) {
        return DecodeStatus::UnknownLayout;
    }
    if (body.tag == tag::kArray) {
        out.make = Make::Aidon;
        status = decode_obis_structs(reader, body.length, out);
    } else {
        status = decode_structure(reader, body.length, out);
    }
    if (status != DecodeStatus::Ok) return status;
    if ((out.present & ((1UL << kNumericFields) - 1)) == 0) return DecodeStatus::UnknownLayout;
    out.list = list_number(out);
    if (out.has(Field::ListVersion)) last_make_ = out.make;
    return DecodeStatus::Ok;
}

}  // namespace han
