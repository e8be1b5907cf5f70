// The published formats: classic JSON, one topic per value, Home Assistant
// discovery, raw frame hex.
#pragma once

#include <cstddef>
#include <cstdint>

#include "reading.h"
#include "text.h"

namespace han {

class Publisher {
public:
    virtual ~Publisher() = default;
    virtual bool publish(const char* topic, const TextBuffer& payload, bool retain) = 0;
};

// What the reader adds to the meter's values.
struct DeviceState {
    const char* id = "";
    uint32_t uptime_ms = 0;
    uint32_t epoch_seconds = 0;
    bool has_temperature = false;
    Quantity temperature;  // degC
};

// {"id": ..., "up": ..., "t": ..., "data": {"P": ..., ...}}: energies in kWh,
// a key only when the list carries that value.
void write_classic_json(const Reading& reading, const DeviceState& device, TextBuffer& out);

// <prefix>/meter/import/active = 918, ... one retained-free message per value.
bool publish_per_value(const Reading& reading, const DeviceState& device, const char* prefix,
                       Publisher& publisher);

// Home Assistant MQTT discovery: one retained config per value not yet announced
// (bits in `announced`), pointing at its per-value topic under `prefix`.
bool publish_discovery(const Reading& reading, const DeviceState& device,
                       const char* discovery_prefix, const char* prefix, uint32_t& announced,
                       Publisher& publisher);

// The whole frame, flags included, as upper-case hex.
void write_raw_hex(const uint8_t* frame, size_t length, TextBuffer& out);

}  // namespace han
