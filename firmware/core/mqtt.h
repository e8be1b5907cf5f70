// A small MQTT 3.1.1 client over an abstract byte stream: fixed buffers, no heap.
#pragma once

#include <cstddef>
#include <cstdint>

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

class MqttListener {
public:
    virtual ~MqttListener() = default;
    virtual void on_mqtt_connected() = 0;
    virtual void on_mqtt_message(const char* topic, const uint8_t* payload, size_t length) = 0;
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
    static constexpr size_t kReceiveCapacity = 512;
    static constexpr uint32_t kFirstBackoffMs = 1000;
    static constexpr uint32_t kMaxBackoffMs = 60000;

    MqttClient(ByteStream& stream, MqttListener& listener) : stream_(stream), listener_(listener) {}

    // The options' strings must outlive the client (they point into the settings).
    void configure(const MqttOptions& options);
    // Drives connecting, back-off, reading and keep-alive; call often.
    void loop(uint32_t now_ms);
    bool publish(const char* topic, const uint8_t* payload, size_t length, uint8_t qos, bool retain);
    bool connected() const { return state_ == State::Connected; }
    // Drops the connection and reconnects at once (new settings).
    void restart();
    const MqttStats& stats() const { return stats_; }

private:
    enum class State : uint8_t { Idle, WaitConnack, Connected };

    void start_connect(uint32_t now_ms);
    void fail(const char* why, uint32_t now_ms);
    void receive(uint32_t now_ms);
    void handle_packet(const uint8_t* packet, size_t length, uint32_t now_ms);
    void handle_publish(uint8_t flags, const uint8_t* body, size_t length);
    void keep_alive(uint32_t now_ms);
    bool send_packet(uint8_t type, const uint8_t* variable, size_t variable_length,
                     const uint8_t* payload, size_t payload_length);
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
    uint32_t ping_sent_ms_ = 0;
    MqttStats stats_;
};

}  // namespace han
