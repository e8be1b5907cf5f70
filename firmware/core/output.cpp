#include "output.h"

#include <cstring>

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

void add_topic(TextBuffer& topic, const char* prefix, const char* suffix) {
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

const char* device_class(const char* unit) {
    static const char* const kClasses[][2] = {
        {"W", "power"}, {"var", "reactive_power"}, {"A", "current"}, {"V", "voltage"}, {"kWh", "energy"},
    };
    for (const auto& entry : kClasses) {
        if (std::strcmp(entry[0], unit) == 0) return entry[1];
    }
    return nullptr;
}

void write_discovery_config(const DeviceState& device, const Reading& reading, const char* name,
                            const char* unit, const TextBuffer& state_topic, bool counter,
                            TextBuffer& out) {
    out.add("{\"name\":").add_json_string(name).add(",\"unique_id\":\"hanreader_");
    add_clean_id(out, device.id);
    out.add('_').add(name).add("\",\"state_topic\":").add_json_string(state_topic.c_str());
    if (unit[0] != '\0') {
        out.add(",\"unit_of_measurement\":").add_json_string(unit);
        out.add(",\"state_class\":\"").add(counter ? "total_increasing" : "measurement").add('"');
    }
    const char* cls = device_class(unit);
    if (cls) out.add(",\"device_class\":\"").add(cls).add('"');
    out.add(",\"device\":{\"identifiers\":[\"hanreader_");
    add_clean_id(out, device.id);
    out.add("\"],\"name\":\"AMS reader\",\"manufacturer\":\"").add(make_name(reading.make)).add('"');
    if (reading.has(Field::MeterType)) out.add(",\"model\":").add_json_string(reading.text(Field::MeterType));
    out.add("}}");
}

}  // namespace

void write_classic_json(const Reading& reading, const DeviceState& device, TextBuffer& out) {
    out.add("{\"id\":").add_json_string(device.id);
    out.add(",\"up\":").add_uint(device.uptime_ms);
    out.add(",\"t\":").add_uint(device.epoch_seconds);
    out.add(",\"data\":{");
    bool first = true;
    for (size_t index = 0; index < static_cast<size_t>(Field::kCount); ++index) {
        if (!reading.has(static_cast<Field>(index))) continue;
        out.add(first ? "" : ",").add('"').add(field_info(static_cast<Field>(index)).classic).add("\":");
        add_value(out, reading, index, true);
        first = false;
    }
    if (device.has_temperature) out.add(first ? "" : ",").add("\"temp\":").add_decimal(device.temperature);
    out.add("}}");
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
        add_topic(topic, prefix, "temperature");
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
        const FieldInfo* info = is_temperature ? nullptr : &field_info(static_cast<Field>(index));
        const char* name = info ? info->canonical : "temperature";
        config_topic.clear();
        state_topic.clear();
        config.clear();
        config_topic.add(discovery_prefix).add("/sensor/hanreader_");
        add_clean_id(config_topic, device.id);
        config_topic.add('/').add(name).add("/config");
        add_topic(state_topic, prefix, info ? info->topic : "temperature");
        write_discovery_config(device, reading, name, info ? info->unit : "°C", state_topic,
                               is_energy_field(index), config);
        if (config.overflowed() || config_topic.overflowed() ||
            !publisher.publish(config_topic.c_str(), config, true)) {
            ok = false;
            continue;
        }
        announced |= 1UL << index;
    }
    return ok;
}

void write_raw_hex(const uint8_t* frame, size_t length, TextBuffer& out) { out.add_hex(frame, length); }

}  // namespace han
