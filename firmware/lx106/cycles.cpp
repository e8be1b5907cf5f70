// hancycles: the CPU's cycle counter around each stage of the frame path, for every
// frame of a capture file, on the emulated lx106 (benchmarks/bench_lx106_cycles.py).
// One line per frame: make, list, frame bytes and CCOUNT ticks for the deframe,
// decode, JSON and MQTT publish stages. Under -icount the ticks count instructions.
#include <stdio.h>
#include <string.h>

#include "../core/cosem.h"
#include "../core/hdlc.h"
#include "../core/mqtt.h"
#include "../core/output.h"
#include "../tools/replay.h"
#include "board.h"
#include "semihosting.h"

namespace {

struct StageTicks {
    uint32_t deframe = 0, decode = 0, json = 0, publish = 0;
};

class QuietListener : public han::MqttListener {
public:
    void on_mqtt_connected() override {}
    void on_mqtt_message(const char*, const uint8_t*, size_t, bool, bool) override {}
    void on_mqtt_event(const char*) override {}
};

// What the reader holds, in static storage as on the board.
struct FramePath {
    han::HdlcDeframer deframer;
    han::PushDecoder decoder;
    han::Reading reading;
    han::FixedText<han::kClassicDocumentCapacity> document;
    replay::RecordingBroker broker{-1};
    QuietListener listener;
    han::MqttClient mqtt{broker, listener};
};

FramePath g_path;
replay::CaptureReader g_capture;

void connect(FramePath& path) {
    han::MqttOptions options;
    options.host = "cycles";
    options.client_id = "hancycles";
    path.mqtt.configure(options);
    for (uint32_t now = 0; now < 1000 && !path.mqtt.connected(); now += 10) path.mqtt.loop(now);
}

// One frame through every stage; false when the deframer or the decoder refused it.
bool measure(FramePath& path, const uint8_t* bytes, size_t length, StageTicks& ticks) {
    uint32_t start = lx106::read_ccount();
    bool ready = false;
    for (size_t i = 0; i < length && !ready; ++i) ready = path.deframer.push(bytes[i]);
    ticks.deframe = lx106::read_ccount() - start;
    if (!ready) return false;
    const han::HdlcFrame& frame = path.deframer.frame();
    start = lx106::read_ccount();
    const bool decoded = path.decoder.decode(frame.info, frame.info_length, path.reading) == han::DecodeStatus::Ok;
    ticks.decode = lx106::read_ccount() - start;
    path.deframer.next();
    if (!decoded) return false;
    start = lx106::read_ccount();
    path.document.clear();
    han::write_classic_json(path.reading, han::DeviceState{}, path.document);
    ticks.json = lx106::read_ccount() - start;
    start = lx106::read_ccount();
    const han::BytesPayload payload(reinterpret_cast<const uint8_t*>(path.document.c_str()), path.document.size());
    const bool published = path.mqtt.publish("ams", payload, 0, false);
    ticks.publish = lx106::read_ccount() - start;
    return published;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 || !g_capture.open(argv[1])) {
        lx106::console_line("usage: hancycles CAPTURE (a readable capture file)");
        return 2;
    }
    connect(g_path);
    if (!g_path.mqtt.connected()) {
        lx106::console_line("hancycles: the scripted broker did not accept the connection");
        return 1;
    }
    while (g_capture.next()) {
        StageTicks ticks;
        const bool ok = measure(g_path, g_capture.frame(), g_capture.length(), ticks);
        han::FixedText<16> make;
        make.add(han::make_name(g_path.reading.make));
        char line[96];
        snprintf(line, sizeof(line), "%s %u %u %lu %lu %lu %lu", ok ? make.c_str() : "refused",
                 static_cast<unsigned>(g_path.reading.list), static_cast<unsigned>(g_capture.length()),
                 static_cast<unsigned long>(ticks.deframe), static_cast<unsigned long>(ticks.decode),
                 static_cast<unsigned long>(ticks.json), static_cast<unsigned long>(ticks.publish));
        lx106::console_line(line);
    }
    return g_capture.error() ? 1 : 0;
}
