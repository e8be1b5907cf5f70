#include "reader.h"

#include <cstring>

#include "command_auth.h"
#include "console.h"

namespace han {

const char kFirmwareVersion[] HAN_FLASH = "0.1.0";

namespace {

// Replies to commands that came over MQTT go to <command topic>/reply. The console hands
// over each line whole (at most kMaxReply), so it is sent as it is, without a copy on the
// stack of the broker loop.
class MqttReplySink : public ReplySink {
public:
    MqttReplySink(MqttClient& mqtt, const Settings& settings) : mqtt_(mqtt), qos_(settings.mqtt_qos) {
        topic_.add(settings.command_topic).add(HAN_F("/reply"));
    }
    void reply(const char* line) override {
        mqtt_.publish(topic_.c_str(), BytesPayload(reinterpret_cast<const uint8_t*>(line), std::strlen(line)), qos_,
                      false);
    }

private:
    MqttClient& mqtt_;
    uint8_t qos_;
    FixedText<sizeof(Settings::command_topic) + sizeof("/reply") - 1> topic_;
};

static_assert(sizeof(Settings::command_topic) + sizeof("/reply") - 1 <= MqttClient::kMaxTopic,
              "the reply topic of the longest command topic is one the MQTT client sends");
static_assert(sizeof("status ") - 1 + kMaxStatus <= kMaxReply, "the longest status line is one whole reply");
static_assert(MqttClient::kMaxCommand == kMaxCommandLine,
              "the MQTT client takes every command the console runs, and no longer one cut short");
static_assert(MqttClient::kMaxSignature == kMaxSignature, "the MQTT client takes the longest signature");
static_assert(MqttClient::kReceiveCapacity >=
                  3 + 2 + (sizeof(Settings::command_topic) - 1) + 2 + kMaxSignature + MqttClient::kMaxCommand,
              "a command PUBLISH of kMaxCommand bytes on the longest command topic fits the MQTT buffer");

bool broker_changed(const Settings& a, const Settings& b) {
    return std::strcmp(a.mqtt_host, b.mqtt_host) != 0 || a.mqtt_port != b.mqtt_port ||
           std::strcmp(a.mqtt_client_id, b.mqtt_client_id) != 0 || std::strcmp(a.mqtt_user, b.mqtt_user) != 0 ||
           std::strcmp(a.mqtt_password, b.mqtt_password) != 0 || a.keepalive_s != b.keepalive_s ||
           std::strcmp(a.command_topic, b.command_topic) != 0;
}

void add_line_error(TextBuffer& line, uint32_t count, const FlashText* what) {
    if (count == 0) return;
    line.add(line.size() > 12 ? HAN_F(", ") : HAN_F(" ")).add_uint(count).add(' ').add(what);
}

}  // namespace

ReaderApp::ReaderApp(Platform& platform, ByteStream& broker, const Settings& settings, Crypto& crypto)
    : platform_(platform), crypto_(crypto), mqtt_(broker, *this), settings_(settings), decipherer_(crypto) {}

void ReaderApp::start() {
    started_ms_ = platform_.millis();
    FixedText<160> line;
    line.add(HAN_F("hanreader ")).add(as_flash_text(kFirmwareVersion));
    line.add(HAN_F(" started, id ")).add(platform_.device_id());
    log_event(line);
    apply_settings(true, true);
    decipherer_.set_keys(settings_.meter_key, settings_.meter_auth_key);
}

void ReaderApp::apply_settings(bool serial_changed, bool broker_moved) {
    if (serial_changed) {
        detector_.reset(settings_.serial, settings_.baud);
        platform_.apply_line(detector_.baud(), detector_.even_parity());
    }
    // Only a change of broker or identity costs a reconnect; a new topic or
    // temperature takes effect with the next list.
    if (broker_moved) {
        mqtt_.configure({settings_.mqtt_host, settings_.mqtt_port, settings_.mqtt_client_id, settings_.mqtt_user,
                         settings_.mqtt_password, settings_.keepalive_s, settings_.command_topic});
    }
    announced_ = 0;
    FixedText<200> line;
    line.add(HAN_F("settings applied: serial ")).add(serial_mode_name(settings_.serial)).add(HAN_F(", broker "));
    line.add(settings_.mqtt_host).add(':').add_uint(settings_.mqtt_port).add(HAN_F(", topic ")).add(settings_.topic);
    log_event(line);
}

void ReaderApp::on_serial_bytes(const uint8_t* data, size_t length, uint32_t parity_errors) {
    const HdlcStats before = deframer_.stats();
    const uint32_t mbus_bad_before = mbus_.stats().bad_frames;
    // A line carries HDLC or M-Bus long frames; each deframer skips the other's bytes.
    for (size_t i = 0; i < length; ++i) {
        if (deframer_.push(data[i])) {
            do {
                handle_frame(deframer_.frame());
            } while (deframer_.next());
        }
        if (mbus_.push(data[i])) {
            do {
                handle_mbus_frame(mbus_.frame());
            } while (mbus_.next());
        }
    }
    note_line_errors(before, mbus_bad_before, parity_errors);
}

void ReaderApp::on_serial_idle() {
    const HdlcStats before = deframer_.stats();
    if (deframer_.idle()) {
        do {
            handle_frame(deframer_.frame());
        } while (deframer_.next());
    }
    note_line_errors(before, mbus_.stats().bad_frames, 0);
}

void ReaderApp::note_line_errors(const HdlcStats& before, uint32_t mbus_bad_before, uint32_t parity_errors) {
    const HdlcStats& now = deframer_.stats();
    const uint32_t mbus_bad = mbus_.stats().bad_frames - mbus_bad_before;
    const uint32_t bad_frames = (now.bad_fcs - before.bad_fcs) + (now.bad_hcs - before.bad_hcs) +
                                (now.truncated - before.truncated) + (now.oversize - before.oversize) + mbus_bad;
    const uint32_t garbage = now.garbage_bytes - before.garbage_bytes;
    if (bad_frames == 0 && garbage == 0 && parity_errors == 0) return;
    FixedText<160> line;
    line.add(HAN_F("line error:"));
    add_line_error(line, now.bad_fcs - before.bad_fcs, HAN_F("bad FCS"));
    add_line_error(line, now.bad_hcs - before.bad_hcs, HAN_F("bad HCS"));
    add_line_error(line, now.truncated - before.truncated, HAN_F("truncated"));
    add_line_error(line, now.oversize - before.oversize, HAN_F("oversize"));
    add_line_error(line, mbus_bad, HAN_F("bad M-Bus frames"));
    add_line_error(line, garbage, HAN_F("garbage bytes"));
    add_line_error(line, parity_errors, HAN_F("parity errors"));
    log_event(line);
    if (detector_.on_line_errors(parity_errors, bad_frames, garbage)) {
        platform_.apply_line(detector_.baud(), detector_.even_parity());
        FixedText<64> detect;
        detect.add(HAN_F("serial auto: trying ")).add(detector_.even_parity() ? HAN_F("8E1") : HAN_F("8N1"));
        log_event(detect.add(HAN_F(" at ")).add_uint(detector_.baud()).add(HAN_F(" baud")));
    }
}

void ReaderApp::note_good_frame() {
    if (!detector_.locked()) {
        FixedText<64> line;
        line.add(HAN_F("serial auto: locked at ")).add(detector_.even_parity() ? HAN_F("8E1") : HAN_F("8N1"));
        log_event(line.add(HAN_F(", ")).add_uint(detector_.baud()).add(HAN_F(" baud")));
    }
    detector_.on_good_frame();
}

void ReaderApp::handle_frame(const HdlcFrame& frame) {
    note_good_frame();
    if (settings_.format == OutputFormat::Raw) {
        if (publish_raw(frame.raw, frame.raw_length)) ++counters_.published;
        return;
    }
    if (assembler_.add_hdlc(frame.info, frame.info_length, frame.segmented, link_) == ListAssembler::Join::Ready) {
        publish_list();
    }
}

void ReaderApp::handle_mbus_frame(const MbusFrame& frame) {
    note_good_frame();
    if (settings_.format == OutputFormat::Raw) {
        if (publish_raw(frame.raw, frame.raw_length)) ++counters_.published;
        return;
    }
    if (assembler_.add_mbus(frame.number, frame.last, frame.piece, frame.piece_length, link_) ==
        ListAssembler::Join::Ready) {
        publish_list();
    }
}

bool ReaderApp::publish_raw(const uint8_t* raw, size_t length) {
    const HexPayload hex(raw, length);
    const bool ok = mqtt_.publish(settings_.topic, hex, settings_.mqtt_qos, false);
    FixedText<64> line;
    line.add(HAN_F("frame of ")).add_uint(length);
    line.add(ok ? HAN_F(" bytes published raw") : HAN_F(" bytes not published"));
    log_event(line);
    return ok;
}

void ReaderApp::publish_list() {
    size_t length = assembler_.length();
    const Decipherer::Result opened = decipherer_.open(assembler_.data(), length);
    FixedText<160> line;
    if (const FlashText* why = count_refusal(opened, link_)) {
        line.add(HAN_F("list of ")).add_uint(assembler_.length()).add(HAN_F(" bytes refused: ")).add(why);
        return log_event(line);
    }
    const DecodeStatus status = decoder_.decode(assembler_.data(), length, reading_);
    if (status != DecodeStatus::Ok) {
        // Deciphered without a tag to check, a list that does not parse means a wrong key.
        ++(opened == Decipherer::Result::Deciphered ? link_.undecodable : counters_.decode_errors);
        line.add(HAN_F("list of ")).add_uint(length).add(HAN_F(" bytes not decoded: ")).add(decode_status_text(status));
        if (opened == Decipherer::Result::Deciphered) line.add(HAN_F(" (deciphered: is meter_key right?)"));
        return log_event(line);
    }
    decipherer_.accept();
    if (publish_reading()) ++counters_.published;
}

bool ReaderApp::publish_reading() {
    FixedText<160> line;
    ++counters_.lists;
    const DeviceState device = device_state();
    bool ok = true;
    payload_.clear();
    switch (settings_.format) {
    case OutputFormat::Classic:
        write_classic_json(reading_, device, payload_);
        ok = publish(settings_.topic, payload_, false);
        break;
    case OutputFormat::HomeAssistant:
        ok = publish_discovery(reading_, device, settings_.discovery_prefix, settings_.topic, announced_, *this);
        ok = publish_per_value(reading_, device, settings_.topic, *this) && ok;
        break;
    case OutputFormat::PerValue:
    case OutputFormat::Raw:
        ok = publish_per_value(reading_, device, settings_.topic, *this);
        break;
    }
    if (!ok) ++counters_.publish_failures;
    line.add(make_name(reading_.make)).add(HAN_F(" list ")).add_uint(reading_.list);
    line.add(ok ? HAN_F(" published") : HAN_F(" not published (broker down)"));
    log_event(line);
    return ok;
}

DeviceState ReaderApp::device_state() {
    DeviceState device;
    device.id = platform_.device_id();
    device.uptime_ms = platform_.millis() - started_ms_;
    device.epoch_seconds = platform_.epoch_seconds();
    device.has_temperature = has_measured_temperature_ || settings_.has_temperature;
    device.temperature = has_measured_temperature_ ? measured_temperature_ : settings_.temperature;
    return device;
}

bool ReaderApp::publish(const char* topic, const TextBuffer& payload, bool retain) {
    if (payload.overflowed()) return false;
    return mqtt_.publish(topic, BytesPayload(reinterpret_cast<const uint8_t*>(payload.c_str()), payload.size()),
                         settings_.mqtt_qos, retain);
}

void ReaderApp::loop() { mqtt_.loop(platform_.millis()); }

void ReaderApp::on_mqtt_connected() { announced_ = 0; }

void ReaderApp::on_mqtt_message(const char* topic, const uint8_t* payload, size_t length, bool retained,
                                bool duplicate) {
    if (std::strcmp(topic, settings_.command_topic) != 0) return;
    // A retained command would run again on every connect (a retained reboot: a restart
    // loop); a redelivered one would run twice.
    if (retained || duplicate) {
        FixedText<40> line;
        line.add(retained ? HAN_F("command over mqtt ignored: retained") : HAN_F("command over mqtt ignored: duplicate"));
        return log_event(line);
    }
    run_mqtt_command(payload, length);
}

// Its own function, not an early return in on_mqtt_message: gcc split that one into two
// parts joined by a call its call graph gives no source position, which the stack check
// (tests/firmware/xtensa_stack.py) does not follow.
void ReaderApp::run_mqtt_command(const uint8_t* payload, size_t length) {
    // One byte over the console's longest line (and signature), so a longer command reaches
    // it as too long (and is refused) instead of cut short and run.
    FixedText<kMaxSignature + kMaxCommandLine + 2> line;
    const size_t limit = kMaxSignature + kMaxCommandLine + 1;
    line.add(reinterpret_cast<const char*>(payload), length < limit ? length : limit);
    const char* command = line.c_str();
    MqttReplySink sink(mqtt_, settings_);
    if (!is_signed_command(command)) {
        log_command(HAN_F("command over mqtt: "), command);
        return run_console_command(*this, command, sink, Access::ReadOnly);
    }
    if (accept_signed(command, command, sink)) run_console_command(*this, command, sink, Access::Signed);
}

void ReaderApp::log_command(const FlashText* prefix, const char* command) {
    FixedText<sizeof("signed command over mqtt: ") + kMaxSignature + kMaxCommandLine + 1> logged;
    write_loggable_command(command, logged.add(prefix));
    log_event(logged);
}

bool ReaderApp::accept_signed(const char* line, const char*& command, ReplySink& sink) {
    // One buffer for the refusal (the reply and its log line) or the log line of the command
    // to run, which leaves out the signature. Not inlined: it is off the stack again before
    // the command runs, under the deepest chain there is (the broker loop).
    FixedText<kMaxReply + 1> said;
    said.add(HAN_F("error: signed command refused: "));
    uint32_t counter = 0;
    if (!verify_signed_command(settings_, crypto_, line, counter, command, said)) {
        log_event(said);
        sink.reply(said.c_str());
        return false;
    }
    // Stored before the command runs: a command that reboots or fails cannot be replayed.
    // Saved from settings_ itself, not a copy: no second Settings on the broker loop's stack.
    const uint32_t previous = settings_.command_counter;
    settings_.command_counter = counter;
    if (!persist(settings_)) {
        settings_.command_counter = previous;
        said.add(HAN_F("the settings store failed, so the counter could not be kept; not run"));
        log_event(said);
        sink.reply(said.c_str());
        return false;
    }
    log_command(HAN_F("signed command over mqtt: "), command);
    return true;
}

void ReaderApp::on_mqtt_event(const char* event) { platform_.log(event); }

bool ReaderApp::change_setting(const char* key, const char* value, TextBuffer& error) {
    Settings next = settings_;
    if (!settings_set(next, key, value, error)) return false;
    if (replace_settings(next)) return true;
    error.add(HAN_F("not saved: the settings store failed; the previous settings stay in force"));
    return false;
}

bool ReaderApp::replace_settings(const Settings& next) {
    if (settings_equal(next, settings_)) return true;  // nothing to write, nothing to apply
    if (!persist(next)) return false;
    // Compared before the copy, so no second Settings stays on the stack.
    const bool serial_changed = next.serial != settings_.serial || next.baud != settings_.baud;
    const bool broker_moved = broker_changed(settings_, next);
    settings_ = next;
    apply_settings(serial_changed, broker_moved);
    // Here, not in apply_settings(): off the stack of its log line (the broker loop's deepest chain).
    decipherer_.set_keys(settings_.meter_key, settings_.meter_auth_key);
    return true;
}

bool ReaderApp::persist(const Settings& next) {
    assembler_.abandon(link_);
    payload_.clear();
    settings_write_stored(next, payload_);
    return !payload_.overflowed() && platform_.save_settings(payload_.c_str());
}

void ReaderApp::write_status(TextBuffer& out) {
    const HdlcStats& line = deframer_.stats();
    out.add(HAN_F("uptime_ms=")).add_uint(platform_.millis() - started_ms_);
    out.add(detector_.even_parity() ? HAN_F(" serial=8E1") : HAN_F(" serial=8N1"));
    if (!detector_.locked()) out.add('?');
    out.add(HAN_F(" baud=")).add_uint(detector_.baud());
    out.add(HAN_F(" mqtt=")).add(mqtt_.connected() ? HAN_F("connected") : HAN_F("disconnected"));
    out.add(HAN_F(" make=")).add(make_name(decoder_.last_make()));
    out.add(HAN_F(" frames=")).add_uint(line.frames + mbus_.stats().frames).add(HAN_F(" lists=")).add_uint(counters_.lists);
    out.add(HAN_F(" published=")).add_uint(counters_.published);
    out.add(HAN_F(" bad_fcs=")).add_uint(line.bad_fcs + mbus_.stats().bad_frames).add(HAN_F(" bad_hcs=")).add_uint(line.bad_hcs);
    out.add(HAN_F(" truncated=")).add_uint(line.truncated).add(HAN_F(" garbage_bytes=")).add_uint(line.garbage_bytes);
    out.add(HAN_F(" decode_errors=")).add_uint(counters_.decode_errors);
    out.add(HAN_F(" segments_lost=")).add_uint(link_.segments_lost).add(HAN_F(" list_too_long=")).add_uint(link_.list_too_long);
    out.add(HAN_F(" no_key=")).add_uint(link_.no_key).add(HAN_F(" wrong_tag=")).add_uint(link_.wrong_tag);
    out.add(HAN_F(" stale_counter=")).add_uint(link_.stale_counter).add(HAN_F(" undecodable=")).add_uint(link_.undecodable);
}

void ReaderApp::reboot() {
    FixedText<32> line;
    line.add(HAN_F("rebooting"));
    log_event(line);
    platform_.reboot();
}

void ReaderApp::set_measured_temperature(const Quantity& celsius) {
    measured_temperature_ = celsius;
    has_measured_temperature_ = true;
}

void ReaderApp::log_event(TextBuffer& line) { platform_.log(line.c_str()); }

}  // namespace han
