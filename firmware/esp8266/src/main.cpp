// hanreader on the ESP8266: the core's loop over HardwareSerial (meter), a software
// UART on the USB pins (console), WiFiClient (broker), LittleFS (settings), a DS18B20,
// and, when unconfigured, an access point with the core's captive portal. Everything
// testable lives in ../core; this file only adapts the board to the ports in platform.h.
#include <Arduino.h>
#include <DNSServer.h>
#include <DallasTemperature.h>
#include <ESP8266WiFi.h>
#include <LittleFS.h>
#include <OneWire.h>
#include <SoftwareSerial.h>

#include "bear_crypto.h"
#include "portal.h"
#include "reader.h"
#include "reader_loop.h"
#include "settings.h"

namespace {

constexpr uint8_t kOneWirePin = 5;      // D1 on the classic reader board
constexpr uint8_t kSetupButtonPin = 0;  // FLASH button: held at boot starts the portal
// The USB bridge's pins, free once the meter's UART0 is swapped to GPIO13/15: the
// console the station drives (boot, provision) runs there as a software UART.
constexpr uint8_t kConsoleRxPin = 3;
constexpr uint8_t kConsoleTxPin = 1;
constexpr uint32_t kConsoleBaud = 115200;
const char kSettingsPath[] = "/settings.txt";
const char kSettingsTemporary[] = "/settings.new";

SoftwareSerial console_uart(kConsoleRxPin, kConsoleTxPin);

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

// Serial (UART0, swapped to GPIO13) receives the meter; the log and console replies go out
// on the console UART and, as before, on Serial1 (TX only, GPIO2).
class EspPlatform : public han::Platform {
public:
    uint32_t millis() override { return ::millis(); }
    uint32_t epoch_seconds() override { return static_cast<uint32_t>(time(nullptr)); }
    void log(const char* line) override { write_line(line); }
    void console_write(const char* line) override { write_line(line); }
    bool save_settings(const char* text) override {
        // Written aside and renamed, so power lost mid-write leaves the previous settings.
        File file = LittleFS.open(kSettingsTemporary, "w");
        const size_t length = strlen(text);
        const bool written = file && file.write(reinterpret_cast<const uint8_t*>(text), length) == length;
        if (file) file.close();
        return written && LittleFS.rename(kSettingsTemporary, kSettingsPath);
    }
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
    void apply_serial(bool even_parity) override { apply_line(2400, even_parity); }
    void apply_line(uint32_t baud, bool even_parity) override {
        Serial.begin(baud, even_parity ? SERIAL_8E1 : SERIAL_8N1, SERIAL_RX_ONLY);
        Serial.swap();  // RX on GPIO13, away from the USB bridge on the classic board
        console_uart.begin(kConsoleBaud);  // Serial.begin() took the USB pins back: the console takes them again
    }
    void reboot() override { ESP.restart(); }
    const char* device_id() override {
        if (!id_.size()) {
            uint8_t mac[6];
            WiFi.macAddress(mac);
            han::write_mac(mac, id_);
        }
        return id_.c_str();
    }

private:
    static void write_line(const char* line) {
        console_uart.println(line);
        Serial1.println(line);
    }
    han::FixedText<18> id_;
};

// Meter bytes from UART0's receive FIFO; a parity or framing error counts one.
class UartMeter : public han::MeterInput {
public:
    int read(uint8_t* buffer, size_t capacity, uint32_t& parity_errors) override {
        size_t count = 0;
        while (Serial.available() && count < capacity) buffer[count++] = static_cast<uint8_t>(Serial.read());
        parity_errors = Serial.hasRxError() ? 1 : 0;
        return static_cast<int>(count);
    }
};

class UartConsole : public han::ConsoleInput {
public:
    int read(char* buffer, size_t capacity) override {
        size_t count = 0;
        while (console_uart.available() && count < capacity) buffer[count++] = static_cast<char>(console_uart.read());
        return static_cast<int>(count);
    }
};

// A DS18B20 converting in the background (setWaitForConversion(false)).
class Ds18b20 : public han::Thermometer {
public:
    Ds18b20() : one_wire_(kOneWirePin), sensor_(&one_wire_) {}
    void begin() {
        sensor_.begin();
        sensor_.setWaitForConversion(false);
    }
    bool sample(int32_t& centi_celsius) override {
        const float celsius = sensor_.getTempCByIndex(0);
        sensor_.requestTemperatures();
        if (celsius == DEVICE_DISCONNECTED_C) return false;
        centi_celsius = static_cast<int32_t>(celsius * 100.0f);
        return true;
    }

private:
    OneWire one_wire_;
    DallasTemperature sensor_;
};


EspPlatform platform;
WifiStream broker;
UartMeter meter;
UartConsole console;
Ds18b20 thermometer;
han::Settings settings;
han::ReaderApp* app = nullptr;
han::ReaderLoop* reader_loop = nullptr;
DNSServer dns;
WiFiServer portal_server(80);
WiFiClient portal_client;
han::PortalRequest portal_request;
bool portal_mode = false;

// Settings that cannot be read or parsed start the portal: a bad file never loops the board.
bool load_settings() {
    static char text[1024];
    if (platform.load_settings(text, sizeof(text)) <= 0) return false;
    han::FixedText<160> error;
    return han::settings_parse(settings, text, error) && han::settings_complete(settings, error) &&
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

// One client at a time, without blocking the loop: bytes in as they come, and the core
// decides when the request is whole, too large or too slow.
void serve_portal() {
    dns.processNextRequest();
    if (!portal_client) {
        portal_client = portal_server.available();
        if (!portal_client) return;
        portal_request.start(::millis());
    }
    size_t got = 0;
    while (portal_client.available() && got < portal_request.room()) {
        portal_request.space()[got++] = static_cast<char>(portal_client.read());
    }
    portal_request.received(got);
    static han::FixedText<8192> response;
    if (!portal_request.answer(*app, ::millis(), response)) return;
    portal_client.write(reinterpret_cast<const uint8_t*>(response.c_str()), response.size());
    portal_client.stop();
    // Saved settings with a network to join: restart into station mode with them.
    if (portal_request.saved() && app->settings().wifi_ssid[0] != '\0') {
        delay(500);
        ESP.restart();
    }
}

}  // namespace

void setup() {
    Serial1.begin(115200);
    console_uart.begin(kConsoleBaud);
    LittleFS.begin();
    pinMode(kSetupButtonPin, INPUT_PULLUP);
    const bool configured = load_settings() && digitalRead(kSetupButtonPin) == HIGH;
    static board::BearCrypto crypto;
    static han::ReaderApp instance(platform, broker, settings, crypto);
    app = &instance;
    thermometer.begin();
    static han::ReaderLoop loop_instance(*app, platform, meter, &console, &thermometer);
    reader_loop = &loop_instance;
    // The banner and the console in set-up mode too: the station provisions a new board
    // (no settings yet) over its console.
    app->start();
    if (!configured) return start_portal();
    WiFi.mode(WIFI_STA);
    WiFi.begin(settings.wifi_ssid, settings.wifi_password);
    configTime(0, 0, "pool.ntp.org");
}

void loop() {
    reader_loop->poll();  // the broker link only while WiFi is joined: never in set-up mode
    if (portal_mode) serve_portal();
}
