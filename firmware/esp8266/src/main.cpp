// hanreader on the ESP8266: the core over HardwareSerial (meter), WiFiClient (broker),
// LittleFS (settings), a DS18B20 and, when unconfigured, an access point with the
// core's captive portal. Everything testable lives in ../core; keep this file thin.
#include <Arduino.h>
#include <DNSServer.h>
#include <DallasTemperature.h>
#include <ESP8266WiFi.h>
#include <LittleFS.h>
#include <OneWire.h>
#include <bearssl/bearssl_hmac.h>

#include "portal.h"
#include "reader.h"
#include "settings.h"

namespace {

constexpr uint8_t kOneWirePin = 5;      // D1 on the classic reader board
constexpr uint8_t kSetupButtonPin = 0;  // FLASH button: held at boot starts the portal
constexpr uint32_t kIdleMs = 60;        // about 14 byte times at 2400 baud ends a frame
constexpr uint32_t kTemperatureMs = 10000;
const char kSettingsPath[] = "/settings.txt";

// The broker link over WiFiClient.
class WifiStream : public han::ByteStream {
public:
    bool open(const char* host, uint16_t port) override { return client_.connect(host, port); }
    bool is_open() const override { return const_cast<WiFiClient&>(client_).connected(); }
    int read(uint8_t* buffer, size_t capacity) override {
        if (!client_.connected()) return -1;
        const int available = client_.available();
        if (available <= 0) return 0;
        return client_.read(buffer, capacity < static_cast<size_t>(available) ? capacity : available);
    }
    bool write(const uint8_t* data, size_t length) override { return client_.write(data, length) == length; }
    void close() override { client_.stop(); }

private:
    WiFiClient client_;
};

// Serial (UART0) receives the meter; Serial1 (TX only, GPIO2) carries the log.
class EspPlatform : public han::Platform {
public:
    uint32_t millis() override { return ::millis(); }
    uint32_t epoch_seconds() override { return static_cast<uint32_t>(time(nullptr)); }
    void log(const char* line) override { Serial1.println(line); }
    void console_write(const char* line) override { Serial1.println(line); }
    bool save_settings(const char* text) override {
        File file = LittleFS.open(kSettingsPath, "w");
        return file && file.print(text) == strlen(text);
    }
    void apply_serial(bool even_parity) override {
        Serial.begin(2400, even_parity ? SERIAL_8E1 : SERIAL_8N1, SERIAL_RX_ONLY);
        Serial.swap();  // RX on GPIO13, away from the USB bridge on the classic board
    }
    void reboot() override { ESP.restart(); }
    int load_settings(char* buffer, size_t capacity) override {
        buffer[0] = '\0';
        if (!LittleFS.exists(kSettingsPath)) return 0;
        File file = LittleFS.open(kSettingsPath, "r");
        if (!file || file.size() >= capacity) return -1;
        const size_t got = file.read(reinterpret_cast<uint8_t*>(buffer), capacity - 1);
        buffer[got] = '\0';
        return got == file.size() ? static_cast<int>(got) : -1;
    }
    bool network_up() override { return WiFi.status() == WL_CONNECTED; }
    const char* device_id() override {
        if (!id_[0]) WiFi.macAddress().toCharArray(id_, sizeof(id_));
        return id_;
    }

private:
    char id_[18] = "";
};

// HMAC-SHA256 from the BearSSL the ESP8266 Arduino core ships.
class BearCrypto : public han::Crypto {
public:
    bool hmac_sha256(const uint8_t* key, size_t key_length, const uint8_t* message, size_t message_length,
                     uint8_t* out) override {
        br_hmac_key_context key_context;
        br_hmac_key_init(&key_context, &br_sha256_vtable, key, key_length);
        br_hmac_context context;
        br_hmac_init(&context, &key_context, 0);
        br_hmac_update(&context, message, message_length);
        return br_hmac_out(&context, out) == kHmacSha256Size;
    }
};

EspPlatform platform;
WifiStream broker;
han::Settings settings;
han::ReaderApp* app = nullptr;
OneWire one_wire(kOneWirePin);
DallasTemperature thermometer(&one_wire);
DNSServer dns;
WiFiServer portal_server(80);
bool portal_mode = false;
uint32_t last_byte_ms = 0;
uint32_t last_temperature_ms = 0;

bool load_settings() {
    File file = LittleFS.open(kSettingsPath, "r");
    if (!file) return false;
    const String text = file.readString();
    han::FixedText<160> error;
    return han::settings_parse(settings, text.c_str(), error) && han::settings_complete(settings, error) &&
           settings.wifi_ssid[0] != '\0';
}

void start_portal() {
    // An open access point; every DNS name points here so phones show the page at once.
    portal_mode = true;
    WiFi.mode(WIFI_AP);
    WiFi.softAP("AMS-reader-setup");
    dns.start(53, "*", WiFi.softAPIP());
    portal_server.begin();
}

void serve_portal() {
    dns.processNextRequest();
    WiFiClient client = portal_server.available();
    if (!client) return;
    static char request[han::kMaxHttpRequest];
    static han::FixedText<8192> response;
    size_t used = 0;
    const uint32_t since = ::millis();
    while (client.connected() && ::millis() - since < 3000) {
        while (client.available() && used < sizeof(request)) request[used++] = static_cast<char>(client.read());
        if (han::http_request_state(request, used) != han::HttpRequestState::Incomplete) break;
        delay(1);
    }
    response.clear();
    han::handle_portal_request(*app, request, used, response);
    client.write(reinterpret_cast<const uint8_t*>(response.c_str()), response.size());
    client.stop();
    // Saved settings with a network to join: restart into station mode with them.
    if (response.size() > 12 && memcmp(response.c_str() + 9, "200", 3) == 0 && memcmp(request, "POST", 4) == 0 &&
        app->settings().wifi_ssid[0] != '\0') {
        delay(500);
        ESP.restart();
    }
}

void read_meter() {
    uint8_t bytes[64];
    size_t count = 0;
    while (Serial.available() && count < sizeof(bytes)) bytes[count++] = static_cast<uint8_t>(Serial.read());
    const uint32_t parity_errors = Serial.hasRxError() ? 1 : 0;
    if (count > 0 || parity_errors > 0) {
        app->on_serial_bytes(bytes, count, parity_errors);
        last_byte_ms = ::millis();
    } else if (last_byte_ms != 0 && ::millis() - last_byte_ms >= kIdleMs) {
        last_byte_ms = 0;
        app->on_serial_idle();
    }
}

void read_temperature() {
    if (::millis() - last_temperature_ms < kTemperatureMs) return;
    last_temperature_ms = ::millis();
    const float celsius = thermometer.getTempCByIndex(0);
    if (celsius != DEVICE_DISCONNECTED_C) {
        han::Quantity value;
        value.mantissa = static_cast<int64_t>(celsius * 100.0f);
        value.exponent = -2;
        app->set_measured_temperature(value);
    }
    thermometer.requestTemperatures();
}

}  // namespace

void setup() {
    Serial1.begin(115200);
    LittleFS.begin();
    pinMode(kSetupButtonPin, INPUT_PULLUP);
    const bool configured = load_settings() && digitalRead(kSetupButtonPin) == HIGH;
    static han::ReaderApp instance(platform, broker, settings);
    app = &instance;
    thermometer.begin();
    thermometer.setWaitForConversion(false);
    if (!configured) {
        start_portal();
        return;
    }
    WiFi.mode(WIFI_STA);
    WiFi.begin(settings.wifi_ssid, settings.wifi_password);
    configTime(0, 0, "pool.ntp.org");
    app->start();
}

void loop() {
    if (portal_mode) return serve_portal();
    read_meter();
    read_temperature();
    if (WiFi.status() == WL_CONNECTED) app->loop();
}
