#include "mqtt.h"

#include <cstring>

#include "text.h"

namespace han {

namespace {

enum PacketType : uint8_t {
    kConnect = 1, kConnack = 2, kPublish = 3, kPuback = 4, kSubscribe = 8,
    kSuback = 9, kPingreq = 12, kPingresp = 13,
};

constexpr uint32_t kConnackTimeoutMs = 10000;

bool time_reached(uint32_t now, uint32_t deadline) {
    return static_cast<int32_t>(now - deadline) >= 0;
}

// Appends a UTF-8 string with its 2-byte length; false when it does not fit.
bool put_string(uint8_t* out, size_t capacity, size_t& used, const char* text) {
    const size_t length = std::strlen(text);
    if (used + 2 + length > capacity || length > 0xFFFF) return false;
    out[used++] = static_cast<uint8_t>(length >> 8);
    out[used++] = static_cast<uint8_t>(length & 0xFF);
    std::memcpy(out + used, text, length);
    used += length;
    return true;
}

// Listeners log to the platform, which reads plain RAM: the event is copied out of flash.
void tell(MqttListener& listener, const FlashText* event) {
    FixedText<48> line;
    line.add(event);
    listener.on_mqtt_event(line.c_str());
}

void put_u16(uint8_t* out, size_t& used, uint16_t value) {
    out[used++] = static_cast<uint8_t>(value >> 8);
    out[used++] = static_cast<uint8_t>(value & 0xFF);
}

}  // namespace

void MqttClient::configure(const MqttOptions& options) {
    options_ = options;
    restart_pending_ = true;
}

void MqttClient::restart() {
    if (stream_.is_open()) stream_.close();
    state_ = State::Idle;
    received_ = 0;
    discard_ = 0;
    backoff_ms_ = kFirstBackoffMs;
    next_attempt_ms_ = now_ms_;  // at once: the next loop() connects
}

void MqttClient::loop(uint32_t now_ms) {
    now_ms_ = now_ms;
    if (restart_pending_) {
        restart_pending_ = false;
        restart();
    }
    if (state_ == State::Idle) {
        if (options_.host[0] != '\0' && time_reached(now_ms, next_attempt_ms_)) start_connect(now_ms);
        return;
    }
    if (!stream_.is_open()) return fail(HAN_F("connection closed by the broker"), now_ms);
    receive(now_ms);
    if (state_ == State::WaitConnack && now_ms - state_since_ms_ >= kConnackTimeoutMs) {
        return fail(HAN_F("no CONNACK within 10 s"), now_ms);
    }
    if (state_ == State::Connected) keep_alive(now_ms);
}

void MqttClient::start_connect(uint32_t now_ms) {
    state_since_ms_ = now_ms;
    received_ = 0;
    discard_ = 0;
    if (!stream_.open(options_.host, options_.port)) {
        return fail(HAN_F("cannot connect to the broker"), now_ms);
    }
    // Protocol name "MQTT", level 4 (3.1.1), flags: clean session; then the keep-alive.
    static const uint8_t kConnectHeader[10] HAN_FLASH = {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0, 0};
    uint8_t variable[sizeof(kConnectHeader)];
    flash_copy(variable, kConnectHeader, sizeof(variable));
    const bool has_user = options_.user[0] != '\0';
    if (has_user) variable[7] |= 0x80;
    if (has_user && options_.password[0] != '\0') variable[7] |= 0x40;  // 3.1.1: no password without a user
    variable[8] = static_cast<uint8_t>(options_.keepalive_s >> 8);
    variable[9] = static_cast<uint8_t>(options_.keepalive_s & 0xFF);
    uint8_t payload[200];
    size_t used = 0;
    bool fits = put_string(payload, sizeof(payload), used, options_.client_id);
    if (variable[7] & 0x80) fits = fits && put_string(payload, sizeof(payload), used, options_.user);
    if (variable[7] & 0x40) fits = fits && put_string(payload, sizeof(payload), used, options_.password);
    if (!fits || !send_packet(kConnect << 4, variable, sizeof(variable), BytesPayload(payload, used))) {
        return fail(HAN_F("could not send CONNECT"), now_ms);
    }
    state_ = State::WaitConnack;
    state_since_ms_ = now_ms;
}

void MqttClient::fail(const FlashText* why, uint32_t now_ms, int return_code) {
    stream_.close();
    state_ = State::Idle;
    ping_outstanding_ = false;
    ++stats_.failures;
    FixedText<128> line;
    line.add(HAN_F("mqtt ")).add(why);
    if (return_code >= 0) line.add(' ').add_uint(static_cast<uint64_t>(return_code));
    line.add(HAN_F("; retry in ")).add_uint(backoff_ms_).add(HAN_F(" ms"));
    listener_.on_mqtt_event(line.c_str());
    next_attempt_ms_ = now_ms + backoff_ms_;
    backoff_ms_ = backoff_ms_ * 2 > kMaxBackoffMs ? kMaxBackoffMs : backoff_ms_ * 2;
}

void MqttClient::receive(uint32_t now_ms) {
    const int got = stream_.read(receive_ + received_, kReceiveCapacity - received_);
    if (got < 0) return fail(HAN_F("connection lost"), now_ms);
    received_ += static_cast<size_t>(got);
    while (received_ > 0 && state_ != State::Idle) {
        size_t take = 0;
        if (discard_ > 0) {
            take = discard_ < received_ ? discard_ : received_;
            discard_ -= take;
        } else {
            size_t remaining = 0, index = 1;
            unsigned shift = 0;
            for (;; ++index, shift += 7) {
                if (index >= received_) return;  // the length is not all here yet
                if (index > 4) return fail(HAN_F("malformed remaining length from the broker"), now_ms);
                remaining |= static_cast<size_t>(receive_[index] & 0x7F) << shift;
                if (!(receive_[index] & 0x80)) break;
            }
            const size_t total = index + 1 + remaining;
            if (total > kReceiveCapacity) {
                discard_ = total;  // a command larger than we take: skip it whole
                FixedText<80> line;
                line.add(HAN_F("mqtt skipped a packet of ")).add_uint(total).add(HAN_F(" bytes (at most "));
                listener_.on_mqtt_event(line.add_uint(kReceiveCapacity).add(HAN_F(" taken)")).c_str());
                continue;
            }
            if (received_ < total) return;
            handle_packet(receive_, total, now_ms);
            take = total;
        }
        std::memmove(receive_, receive_ + take, received_ - take);
        received_ -= take;
    }
}

void MqttClient::handle_packet(const uint8_t* packet, size_t length, uint32_t now_ms) {
    size_t header = 2;
    while (header < length && (packet[header - 1] & 0x80)) ++header;
    const uint8_t* body = packet + header;
    const size_t body_length = length - header;
    switch (packet[0] >> 4) {
    case kConnack:
        if (state_ != State::WaitConnack || body_length < 2) return fail(HAN_F("unexpected CONNACK"), now_ms);
        if (body[1] != 0) {
            // 4: bad user name or password, 5: not authorised.
            return fail(HAN_F("broker refused the connection, return code"), now_ms, body[1]);
        }
        state_ = State::Connected;
        state_since_ms_ = now_ms;
        last_send_ms_ = now_ms;
        backoff_ms_ = kFirstBackoffMs;
        ++stats_.connects;
        tell(listener_, HAN_F("mqtt connected"));
        if (options_.command_topic[0] != '\0' && !subscribe()) return fail(HAN_F("could not subscribe"), now_ms);
        listener_.on_mqtt_connected();
        return;
    case kPublish:
        return handle_publish(packet[0] & 0x0F, body, body_length);
    case kPuback:
        ++stats_.acked;
        return;
    case kSuback:
        if (body_length >= 3 && body[2] == 0x80) tell(listener_, HAN_F("mqtt subscription refused"));
        return;
    case kPingresp:
        ping_outstanding_ = false;
        return;
    default:
        return;
    }
}

void MqttClient::handle_publish(uint8_t flags, const uint8_t* body, size_t length) {
    if (length < 2) return;
    const size_t topic_length = (static_cast<size_t>(body[0]) << 8) | body[1];
    const uint8_t qos = (flags >> 1) & 0x03;
    const size_t id_length = qos > 0 ? 2 : 0;
    if (2 + topic_length + id_length > length || topic_length >= kMaxTopic) return;
    char topic[kMaxTopic];
    std::memcpy(topic, body + 2, topic_length);
    topic[topic_length] = '\0';
    if (qos == 1) send_packet(kPuback << 4, body + 2 + topic_length, 2, BytesPayload(nullptr, 0));
    const size_t offset = 2 + topic_length + id_length;
    listener_.on_mqtt_message(topic, body + offset, length - offset, (flags & 0x01) != 0, (flags & 0x08) != 0);
}

void MqttClient::keep_alive(uint32_t now_ms) {
    const uint32_t period_ms = static_cast<uint32_t>(options_.keepalive_s) * 1000;
    if (ping_outstanding_ && now_ms - ping_sent_ms_ >= period_ms) {
        return fail(HAN_F("no PINGRESP within the keep-alive"), now_ms);
    }
    // Ping at half the period so a slow broker still sees us within the keep-alive.
    if (!ping_outstanding_ && now_ms - last_send_ms_ >= period_ms / 2) {
        if (!send_packet(kPingreq << 4, nullptr, 0, BytesPayload(nullptr, 0))) {
            return fail(HAN_F("could not send PINGREQ"), now_ms);
        }
        ping_outstanding_ = true;
        ping_sent_ms_ = now_ms;
        last_send_ms_ = now_ms;
    }
}

bool MqttClient::publish(const char* topic, const Payload& payload, uint8_t qos, bool retain) {
    if (state_ != State::Connected) return false;
    uint8_t variable[kMaxTopic + 4];
    size_t used = 0;
    if (!put_string(variable, kMaxTopic + 2, used, topic)) return false;
    uint8_t type = static_cast<uint8_t>(kPublish << 4);
    if (qos > 0) {
        type |= 0x02;
        put_u16(variable, used, next_packet_id());
    }
    if (retain) type |= 0x01;
    if (!send_packet(type, variable, used, payload)) {
        fail(HAN_F("could not send PUBLISH"), now_ms_);
        return false;
    }
    ++stats_.published;
    last_send_ms_ = now_ms_;
    return true;
}

bool MqttClient::subscribe() {
    uint8_t variable[2];
    size_t used = 0;
    put_u16(variable, used, next_packet_id());
    uint8_t payload[kMaxTopic + 3];
    size_t payload_used = 0;
    if (!put_string(payload, kMaxTopic + 2, payload_used, options_.command_topic)) return false;
    payload[payload_used++] = 0;  // QoS 0: a lost command is simply sent again by the user
    return send_packet((kSubscribe << 4) | 0x02, variable, used, BytesPayload(payload, payload_used));
}

uint16_t MqttClient::next_packet_id() {
    if (++packet_id_ == 0) packet_id_ = 1;  // 0 is not a valid packet identifier
    return packet_id_;
}

bool MqttClient::send_packet(uint8_t type, const uint8_t* variable, size_t variable_length,
                             const Payload& payload) {
    uint8_t header[5];
    size_t used = 0;
    header[used++] = type;
    size_t remaining = variable_length + payload.size();
    do {
        uint8_t digit = static_cast<uint8_t>(remaining % 128);
        remaining /= 128;
        if (remaining > 0) digit |= 0x80;
        header[used++] = digit;
    } while (remaining > 0 && used < sizeof(header));
    return stream_.write(header, used) && (variable_length == 0 || stream_.write(variable, variable_length)) &&
           (payload.size() == 0 || payload.write_to(stream_));
}

}  // namespace han
