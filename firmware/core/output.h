// The published formats: classic JSON, one topic per value, Home Assistant
// discovery, raw frame hex.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mqtt.h"
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

// The bounds of the classic document, so its buffer is sized to the longest one.
constexpr size_t kMaxDeviceId = 32;     // a MAC "AA:BB:CC:DD:EE:FF", or "host-7f000101"
// Any int64 mantissa at exponents -19..+6 (scalers -9..+6, energies shifted by -3):
// "-", 19 digits and 6 zeros; or "-0." and 19 digits.
constexpr size_t kMaxDecimalText = 26;
constexpr size_t json_string_capacity(size_t characters) { return 2 + 2 * characters; }  // all escaped
constexpr size_t kMaxClassicKey = 4;    // "type"
constexpr size_t kMaxObisText = sizeof("255.255.255.255.255.255") - 1;  // an extra's key
constexpr size_t kClassicDocumentCapacity =
    sizeof("{\"id\":") - 1 + json_string_capacity(kMaxDeviceId) + sizeof(",\"up\":4294967295") - 1 +
    sizeof(",\"t\":4294967295") - 1 + sizeof(",\"data\":{") - 1 +
    kNumericFields * (sizeof(",\"\":") - 1 + kMaxClassicKey + kMaxDecimalText) +
    kTextFields * (sizeof(",\"\":") - 1 + kMaxClassicKey + json_string_capacity(kTextCapacity - 1)) +
    sizeof(",\"extra\":{}") - 1 + kMaxExtras * (sizeof(",\"\":") - 1 + kMaxObisText + kMaxDecimalText) +
    sizeof(",\"temp\":") - 1 + kMaxDecimalText + sizeof("}}");  // and the terminator

// {"id": ..., "up": ..., "t": ..., "data": {"P": ..., ..., "extra": {"1.1.13.7.0.255": 0.95}}}:
// energies in kWh, a key only when the list carries that value, "extra" only when it has
// one. Fits kClassicDocumentCapacity when device.id is at most kMaxDeviceId and every
// number within kMaxDecimalText.
void write_classic_json(const Reading& reading, const DeviceState& device, TextBuffer& out);

// <prefix>/meter/import/active = 918, ... one retained-free message per value.
bool publish_per_value(const Reading& reading, const DeviceState& device, const char* prefix,
                       Publisher& publisher);

// Home Assistant MQTT discovery: one retained config per value not yet announced
// (bits in `announced`), pointing at its per-value topic under `prefix`.
bool publish_discovery(const Reading& reading, const DeviceState& device,
                       const char* discovery_prefix, const char* prefix, uint32_t& announced,
                       Publisher& publisher);

// The whole frame, flags included, as upper-case hex, written a piece at a time:
// twice the frame in one buffer would be the largest object in the reader.
class HexPayload : public Payload {
public:
    HexPayload(const uint8_t* frame, size_t length) : frame_(frame), length_(length) {}
    size_t size() const override { return 2 * length_; }
    bool write_to(ByteStream& stream) const override;

private:
    const uint8_t* frame_;
    size_t length_;
};

}  // namespace han
