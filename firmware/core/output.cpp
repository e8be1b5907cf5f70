#include "output.h"

namespace han {

namespace {

constexpr size_t kTopicCapacity = 128;
constexpr unsigned kTemperatureBit = static_cast<unsigned>(Field::kCount);

bool is_energy_field(size_t index) {
    return index >= static_cast<size_t>(Field::ActiveEnergyImport) && index < kNumericFields;
}

// Energies are published in kWh / kvarh, as the classic reader did.
void add_value(TextBuffer& out, const Reading& reading, size_t index, bool quote_text) {
    const Field field = static_cast<Field>(index);
    if (index >= kNumericFields) {
        if (quote_text) {
            out.add_json_string(reading.text(field));
        } else {
            out.add(reading.text(field));
        }
        return;
    }
    out.add_decimal(reading.number(field), is_energy_field(index) ? -3 : 0);
}

void add_topic(TextBuffer& topic, const char* prefix, const FlashText* suffix) {
    topic.add(prefix).add('/').add(suffix);
}

// Device ids go into topic levels and HA unique ids: keep [A-Za-z0-9_-].
void add_clean_id(TextBuffer& out, const char* id) {
    for (const char* p = id; *p; ++p) {
        const char c = *p;
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        out.add(keep ? c : '_');
    }
}

// The reader's own sensor, named as if it were one more field.
FieldInfo temperature_info() {
    return {HAN_F("temperature"), HAN_F("temp"), HAN_F("°C"), HAN_F("temperature"), HAN_F("")};
}

// "extra":{"A.B.C.D.E.F":number,...}: the numbers under OBIS codes no field has, keyed by code.
void add_extras(TextBuffer& out, const Reading& reading, bool first) {
    out.add(first ? HAN_F("\"extra\":{") : HAN_F(",\"extra\":{"));
    for (size_t i = 0; i < reading.extra_count; ++i) {
        const Extra& extra = reading.extras[i];
        out.add(i == 0 ? HAN_F("\"") : HAN_F(",\""));
        for (size_t part = 0; part < sizeof(extra.obis); ++part) {
            if (part != 0) out.add('.');
            out.add_uint(extra.obis[part]);
        }
        out.add(HAN_F("\":")).add_decimal(Quantity{extra.mantissa, extra.exponent});
    }
    out.add('}');
}

// Names, units and device classes are plain ASCII or UTF-8 without quotes: no escaping needed.
void write_discovery_config(const DeviceState& device, const Reading& reading, const FieldInfo& info,
                            const TextBuffer& state_topic, bool counter, TextBuffer& out) {
    out.add(HAN_F("{\"name\":\"")).add(info.canonical).add(HAN_F("\",\"unique_id\":\"hanreader_"));
    add_clean_id(out, device.id);
    out.add('_').add(info.canonical).add(HAN_F("\",\"state_topic\":")).add_json_string(state_topic.c_str());
    if (flash_char(info.unit, 0) != '\0') {
        out.add(HAN_F(",\"unit_of_measurement\":\"")).add(info.unit).add('"');
        out.add(HAN_F(",\"state_class\":\""));
        out.add(counter ? HAN_F("total_increasing") : HAN_F("measurement")).add('"');
    }
    if (flash_char(info.device_class, 0) != '\0') {
        out.add(HAN_F(",\"device_class\":\"")).add(info.device_class).add('"');
    }
    out.add(HAN_F(",\"device\":{\"identifiers\":[\"hanreader_"));
    add_clean_id(out, device.id);
    out.add(HAN_F("\"],\"name\":\"AMS reader\",\"manufacturer\":\"")).add(make_name(reading.make)).add('"');
    if (reading.has(Field::MeterType)) {
        out.add(HAN_F(",\"model\":")).add_json_string(reading.text(Field::MeterType));
    }
    out.add(HAN_F("}}"));
}

}  // namespace

void write_classic_json(const Reading& reading, const DeviceState& device, TextBuffer& out) {
    out.add(HAN_F("{\"id\":")).add_json_string(device.id);
    out.add(HAN_F(",\"up\":")).add_uint(device.uptime_ms);
    out.add(HAN_F(",\"t\":")).add_uint(device.epoch_seconds);
    out.add(HAN_F(",\"data\":{"));
    bool first = true;
    for (size_t index = 0; index < static_cast<size_t>(Field::kCount); ++index) {
        if (!reading.has(static_cast<Field>(index))) continue;
        out.add(first ? HAN_F("\"") : HAN_F(",\"")).add(field_info(static_cast<Field>(index)).classic);
        out.add(HAN_F("\":"));
        add_value(out, reading, index, true);
        first = false;
    }
    if (reading.extra_count != 0) {
        add_extras(out, reading, first);
        first = false;
    }
    if (device.has_temperature) {
        out.add(first ? HAN_F("\"temp\":") : HAN_F(",\"temp\":")).add_decimal(device.temperature);
    }
    out.add(HAN_F("}}"));
}

bool publish_per_value(const Reading& reading, const DeviceState& device, const char* prefix,
                       Publisher& publisher) {
    FixedText<kTopicCapacity> topic;
    FixedText<48> payload;
    bool ok = true;
    for (size_t index = 0; index < static_cast<size_t>(Field::kCount); ++index) {
        if (!reading.has(static_cast<Field>(index))) continue;
        topic.clear();
        payload.clear();
        add_topic(topic, prefix, field_info(static_cast<Field>(index)).topic);
        add_value(payload, reading, index, false);
        ok = !topic.overflowed() && publisher.publish(topic.c_str(), payload, false) && ok;
    }
    if (device.has_temperature) {
        topic.clear();
        payload.clear();
        add_topic(topic, prefix, temperature_info().topic);
        payload.add_decimal(device.temperature);
        ok = publisher.publish(topic.c_str(), payload, false) && ok;
    }
    return ok;
}

bool publish_discovery(const Reading& reading, const DeviceState& device,
                       const char* discovery_prefix, const char* prefix, uint32_t& announced,
                       Publisher& publisher) {
    FixedText<kTopicCapacity> config_topic, state_topic;
    FixedText<640> config;
    bool ok = true;
    for (unsigned index = 0; index <= kTemperatureBit; ++index) {
        const bool is_temperature = index == kTemperatureBit;
        const bool present = is_temperature ? device.has_temperature : reading.has(static_cast<Field>(index));
        if (!present || (announced & (1UL << index))) continue;
        const FieldInfo info = is_temperature ? temperature_info() : field_info(static_cast<Field>(index));
        config_topic.clear();
        state_topic.clear();
        config.clear();
        config_topic.add(discovery_prefix).add(HAN_F("/sensor/hanreader_"));
        add_clean_id(config_topic, device.id);
        config_topic.add('/').add(info.canonical).add(HAN_F("/config"));
        add_topic(state_topic, prefix, info.topic);
        write_discovery_config(device, reading, info, state_topic, is_energy_field(index), config);
        if (config.overflowed() || config_topic.overflowed() ||
            !publisher.publish(config_topic.c_str(), config, true)) {
            ok = false;
            continue;
        }
        announced |= 1UL << index;
    }
    return ok;
}

bool HexPayload::write_to(ByteStream& stream) const {
    constexpr size_t kPiece = 32;  // frame bytes per write
    FixedText<2 * kPiece + 1> hex;
    for (size_t done = 0; done < length_; done += kPiece) {
        hex.clear();
        hex.add_hex(frame_ + done, length_ - done < kPiece ? length_ - done : kPiece);
        if (!stream.write(reinterpret_cast<const uint8_t*>(hex.c_str()), hex.size())) return false;
    }
    return true;
}

}  // namespace han
