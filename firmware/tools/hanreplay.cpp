// hanreplay: every frame of a capture file through the core's loop, writing every byte the
// reader sends its broker to OUT; the host build and the lx106 image must write the
// same file (tests/firmware/test_lx106_agreement.py).
//   hanreplay FORMAT CAPTURE OUT     FORMAT: classic, per-value, homeassistant or raw
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "reader.h"
#include "reader_loop.h"
#include "replay.h"
#include "settings.h"

namespace {

// A frame's bytes, then a quiet line longer than the idle gap that ends a frame.
constexpr uint32_t kFrameGapMs = han::kMeterIdleMs + 40;

void say(const char* line) {
    const char* end = line;
    while (*end) ++end;
    if (write(STDERR_FILENO, line, static_cast<size_t>(end - line)) < 0) return;
}

bool configure(han::Settings& settings, const char* format) {
    han::FixedText<200> error;
    if (han::settings_set(settings, "mqtt_host", "replay", error) && han::settings_set(settings, "format", format, error)) {
        return true;
    }
    say("hanreplay: ");
    say(error.c_str());
    say("\n");
    return false;
}

// A scripted second of loops: the reader connects (CONNECT, CONNACK) before the first frame.
void settle(han::ReaderLoop& loop, replay::ScriptedPlatform& platform) {
    for (int pass = 0; pass < 100; ++pass) {
        loop.poll();
        platform.now_ms += 10;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        say("usage: hanreplay FORMAT CAPTURE OUT\n");
        return 2;
    }
    // Static, as on the board: the 4 KiB loop stack of the lx106 image holds none of them.
    static han::Settings settings;
    if (!configure(settings, argv[1])) return 2;
    static replay::CaptureReader capture;
    if (!capture.open(argv[2])) {
        say("hanreplay: cannot open the capture file; give a capture path\n");
        return 1;
    }
    const int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        say("hanreplay: cannot create the output file; give a writable path\n");
        return 1;
    }
    static replay::ScriptedPlatform platform;
    static replay::RecordingBroker broker(out);
    static replay::RefusingCrypto crypto;
    static han::ReaderApp app(platform, broker, settings, crypto);
    static replay::ScriptedMeter meter;
    static han::ReaderLoop loop(app, platform, meter, nullptr, nullptr);
    app.start();
    settle(loop, platform);
    unsigned frames = 0;
    while (capture.next()) {
        meter.give(capture.frame(), capture.length());
        loop.poll();
        platform.now_ms += kFrameGapMs;
        loop.poll();
        ++frames;
    }
    const bool flushed = broker.flush();
    char line[96];
    snprintf(line, sizeof(line), "hanreplay: %u frames, %u bytes to the broker\n", frames,
             static_cast<unsigned>(broker.written()));
    say(line);
    if (capture.error()) {
        say("hanreplay: stopped at ");
        say(capture.error());
        say("\n");
        return 1;
    }
    return flushed && close(out) == 0 ? 0 : 1;
}
