// A small MQTT 3.1.1 client over an abstract byte stream: fixed buffers, no heap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "flash.h"
#include "platform.h"

namespace han {

struct MqttOptions {
    const char* host = "";
    uint16_t port = 1883;
    const char* client_id = "";
    const char* user = "";
    const char* password = "";
    uint16_t keepalive_s = 30;
    const char* command_topic = "";  // subscribed after every connect; empty for none
};

// A publish payload, written to the stream in pieces: a long one (a raw frame in hex)
// then needs no buffer of its own.
class Payload {
public:
    virtual ~Payload() = default;
    virtual size_t size() const = 0;
    // Writes exactly size() bytes with stream.write(); false when a write failed.
    virtual bool write_to(ByteStream& stream) const = 0;
};

class BytesPayload : public Payload {
public:
    BytesPayload(const uint8_t* data, size_t length) : data_(data), length_(length) {}
    size_t size() const override { return length_; }
    bool write_to(ByteStream& stream) const override { return length_ == 0 || stream.write(data_, length_); }

private:
    const uint8_t* data_;
    size_t length_;
};

class MqttListener {
public:
    virtual ~MqttListener() = default;
    virtual void on_mqtt_connected() = 0;
    // retained: the broker kept it from before (not sent now); duplicate: a QoS 1 redelivery.
    virtual void on_mqtt_message(const char* topic, const uint8_t* payload, size_t length, bool retained,
                                 bool duplicate) = 0;
    virtual void on_mqtt_event(const char* event) = 0;  // one log line
};

struct MqttStats {
    uint32_t connects = 0;
    uint32_t failures = 0;
    uint32_t published = 0;
    uint32_t acked = 0;  // QoS 1 publishes the broker acknowledged
};

class MqttClient {
public:
    // Topic names we send or take: the settings allow 64, the discovery topics need ~100.
    static constexpr size_t kMaxTopic = 128;
    // The longest command we take; a longer one does not fit receive_ and is skipped (and logged).
    static constexpr size_t kMaxCommand = 127;
    // What may precede a command: "signed <counter> <hmac> " (kMaxSignature in command_auth.h).
    static constexpr size_t kMaxSignature = 83;
    // What the broker sends us: CONNACK, PUBACK, SUBACK, PINGRESP and PUBLISHes on the
    // command topic. A command PUBLISH is fixed header (<= 3 at this size) + topic
    // (2 + <= 64, the command_topic setting) + packet id (2) + a signature and the
    // command; anything longer is skipped whole (see receive()).
    static constexpr size_t kReceiveCapacity = 3 + 2 + 64 + 2 + kMaxSignature + kMaxCommand;
    static constexpr uint32_t kFirstBackoffMs = 1000;
    static constexpr uint32_t kMaxBackoffMs = 60000;

    MqttClient(ByteStream& stream, MqttListener& listener) : stream_(stream), listener_(listener) {}

    // The options' strings must outlive the client (they point into the settings).
    // The reconnect waits for the next loop(): a command that moved the broker is
    // answered on the connection it came in on, and receive() is never cut off mid-buffer.
    void configure(const MqttOptions& options);
    // Drives connecting, back-off, reading and keep-alive; call often.
    void loop(uint32_t now_ms);
    bool publish(const char* topic, const Payload& payload, uint8_t qos, bool retain);
    bool connected() const { return state_ == State::Connected; }
    const MqttStats& stats() const { return stats_; }

private:
    enum class State : uint8_t { Idle, WaitConnack, Connected };

    // Drops the connection and reconnects at once (new settings).
    void restart();
    void start_connect(uint32_t now_ms);
    // Closes, logs why (with the broker's CONNACK return code when >= 0) and schedules a retry.
    void fail(const FlashText* why, uint32_t now_ms, int return_code = -1);
    void receive(uint32_t now_ms);
    void handle_packet(const uint8_t* packet, size_t length, uint32_t now_ms);
    void handle_publish(uint8_t flags, const uint8_t* body, size_t length);
    void keep_alive(uint32_t now_ms);
    bool send_packet(uint8_t type, const uint8_t* variable, size_t variable_length, const Payload& payload);
    bool subscribe();
    uint16_t next_packet_id();

    ByteStream& stream_;
    MqttListener& listener_;
    MqttOptions options_;
    State state_ = State::Idle;
    uint8_t receive_[kReceiveCapacity];
    size_t received_ = 0;
    size_t discard_ = 0;  // bytes still to skip of a packet larger than the buffer
    uint16_t packet_id_ = 0;
    uint32_t state_since_ms_ = 0;
    uint32_t now_ms_ = 0;  // the time of the last loop(), for publish()
    uint32_t last_send_ms_ = 0;
    uint32_t next_attempt_ms_ = 0;
    uint32_t backoff_ms_ = kFirstBackoffMs;
    bool ping_outstanding_ = false;
    bool restart_pending_ = false;  // configure() was called; loop() reconnects
    uint32_t ping_sent_ms_ = 0;
    MqttStats stats_;
};

}  // namespace han
