// The reader application: meter bytes in, MQTT messages out. Platform-free.
#pragma once

#include <cstddef>
#include <cstdint>

#include "console.h"
#include "cosem.h"
#include "hdlc.h"
#include "link.h"
#include "mbus.h"
#include "mqtt.h"
#include "output.h"
#include "platform.h"
#include "reading.h"
#include "serial_detect.h"
#include "settings.h"
#include "text.h"

namespace han {

// In flash (the core reads it with as_flash_text()); plain text on the host.
extern const char kFirmwareVersion[];

// The longest line ReaderApp::write_status() writes: every count a uint32 at 10 digits and
// the widest word in each place. A new status field belongs here too.
constexpr size_t kMaxStatus =
    sizeof("uptime_ms=4294967295 serial=8E1? baud=4294967295 mqtt=disconnected make=kamstrup frames=4294967295 "
           "lists=4294967295 published=4294967295 bad_fcs=4294967295 bad_hcs=4294967295 "
           "truncated=4294967295 garbage_bytes=4294967295 decode_errors=4294967295 segments_lost=4294967295 "
           "list_too_long=4294967295 no_key=4294967295 wrong_tag=4294967295 stale_counter=4294967295 "
           "undecodable=4294967295") - 1;

struct ReaderCounters {
    uint32_t lists = 0;           // decoded lists
    uint32_t decode_errors = 0;   // checked frames whose content we could not decode
    uint32_t published = 0;       // lists whose messages all went out
    uint32_t publish_failures = 0;
};

class ReaderApp : public MqttListener, public Publisher {
public:
    // crypto checks signed commands over MQTT.
    ReaderApp(Platform& platform, ByteStream& broker, const Settings& settings, Crypto& crypto);

    // Applies the settings (UART parity, broker) and logs the start.
    void start();
    // Bytes from the meter UART; parity_errors counted by the UART driver.
    void on_serial_bytes(const uint8_t* data, size_t length, uint32_t parity_errors);
    // The meter line has been quiet for several byte times: a partial frame is truncated.
    void on_serial_idle();
    // Drives the broker link; call every few milliseconds.
    void loop();

    const Settings& settings() const { return settings_; }
    // Validates one field, saves and applies it; error names the field on failure. A value
    // that does not change writes nothing.
    bool change_setting(const char* key, const char* value, TextBuffer& error);
    // Replaces every setting (already validated) at once: saves, then applies. When the save
    // fails nothing changes and the previous settings stay in force.
    bool replace_settings(const Settings& next);
    // One line of key=value words, at most kMaxStatus characters.
    void write_status(TextBuffer& out);
    void reboot();
    // A measured temperature (the DS18B20) replaces the configured one in every document.
    void set_measured_temperature(const Quantity& celsius);

    void on_mqtt_connected() override;
    void on_mqtt_message(const char* topic, const uint8_t* payload, size_t length, bool retained,
                         bool duplicate) override;
    void on_mqtt_event(const char* event) override;
    bool publish(const char* topic, const TextBuffer& payload, bool retain) override;

private:
    void handle_frame(const HdlcFrame& frame);
    void handle_mbus_frame(const MbusFrame& frame);
    // A good frame of either framing: the serial detector locks on it.
    void note_good_frame();
    // The raw format publishes every frame as it came, pieces and ciphertext included.
    bool publish_raw(const uint8_t* raw, size_t length);
    // A whole list from the assembler: deciphered, decoded and published.
    void publish_list();
    bool publish_reading();
    // Logs a command from the command topic, runs it and publishes its replies.
    void run_mqtt_command(const uint8_t* payload, size_t length);
    void note_line_errors(const HdlcStats& before, uint32_t mbus_bad_before, uint32_t parity_errors);
    // Applies the settings: the UART and the broker link only when they changed.
    void apply_settings(bool serial_changed, bool broker_moved);
    // Writes next as the stored settings; false when the store failed or it did not fit.
    bool persist(const Settings& next);
    // Logs a command from MQTT after prefix, a secret it sets masked. Not inlined: its buffer
    // is off the stack again before the command runs.
    [[gnu::noinline]] void log_command(const FlashText* prefix, const char* command);
    // Checks a signed command and stores its counter; false when refused (and answered).
    [[gnu::noinline]] bool accept_signed(const char* line, const char*& command, ReplySink& sink);
    DeviceState device_state();
    void log_event(TextBuffer& line);

    Platform& platform_;
    Crypto& crypto_;
    MqttClient mqtt_;
    Settings settings_;
    HdlcDeframer deframer_;
    MbusDeframer mbus_;
    Decipherer decipherer_;
    LinkStats link_;
    PushDecoder decoder_;
    Reading reading_;
    SerialDetector detector_;
    ReaderCounters counters_;
    uint32_t announced_ = 0;  // Home Assistant configs sent on this connection
    uint32_t started_ms_ = 0;
    bool has_measured_temperature_ = false;
    Quantity measured_temperature_;
    // One buffer, three uses in turn: a list being joined and deciphered (assembler_),
    // then its classic document (raw frames go out piece by piece through HexPayload), and
    // the settings text while persist() saves it, which gives up a list half joined. A
    // second buffer on the stack under the console and the portal would not fit the
    // ESP8266's 4 KiB loop stack (tests/firmware/test_firmware_stack.py), nor a second
    // one in the object its 4 KiB of data RAM (tests/firmware/test_firmware_size.py).
    char shared_[kClassicDocumentCapacity];
    TextBuffer payload_{shared_, sizeof(shared_)};
    ListAssembler assembler_{reinterpret_cast<uint8_t*>(shared_), sizeof(shared_)};
};

}  // namespace han
