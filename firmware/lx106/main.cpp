// hanreader on the emulated lx106 board: the core's loop over semihosting.
//   qemu-system-xtensa -M sim -cpu lx106 -display none -monitor none -serial stdio -semihosting-config
//     enable=on,arg=hanreader,arg=METER_PTY,arg=LINK_PTY,arg=SETTINGS_FILE[,arg=DEVICE_ID] -kernel hanreader-lx106.elf
// The bench starts it (bench/dut/qemu.py): the simulator's pty is the meter UART, the
// link pty is bridged to the broker, the settings file is the board's LittleFS file.
#include <stdio.h>
#include <string.h>

#include "../core/console.h"
#include "../core/reader.h"
#include "../core/settings.h"
#include "board.h"
#include "link_stream.h"
#include "semihosting.h"
#include "stack_watch.h"

extern "C" [[noreturn]] void _start();  // start.S

// The C++ library's placement new, which this toolchain does not ship.
inline void* operator new(size_t, void* where) noexcept { return where; }

namespace {

constexpr uint32_t kIdleMs = 60;           // about 14 byte times at 2400 baud ends a frame, as on the board
constexpr uint32_t kMeterWaitUs = 5000;    // the longest the loop sleeps waiting for the meter
constexpr uint32_t kReopenMs = 1000;
constexpr uint32_t kStackCheckMs = 1000;
constexpr size_t kMaxSettingsFile = 2048;

struct Files {
    const char* meter_path;
    int meter = -1;
    int link = -1;
    const char* settings_path;
    const char* device_id;
};

class ConsoleSink : public han::ReplySink {
public:
    void reply(const char* line) override { lx106::console_line(line); }
};

// Console bytes into command lines; an over-long line is passed on whole-truncated,
// so the core refuses it rather than running a prefix.
class ConsoleLines {
public:
    void poll(han::ReaderApp& app) {
        char data[64];
        if (!lx106::readable(lx106::kConsoleIn, 0)) return;
        const int got = lx106::read_host(lx106::kConsoleIn, data, sizeof(data));
        for (int i = 0; i < got; ++i) take(app, data[i]);
    }

private:
    void take(han::ReaderApp& app, char c) {
        if (c != '\n' && c != '\r') {
            if (used_ + 1 < sizeof(line_)) line_[used_++] = c;
            return;
        }
        line_[used_] = '\0';
        ConsoleSink sink;
        if (used_ > 0) han::run_console_command(app, line_, sink);
        used_ = 0;
    }

    char line_[han::kMaxCommandLine + 2];  // one more than the core takes, so it sees an over-long line
    size_t used_ = 0;
};

struct LoopState {
    bool idle_pending = false;
    uint32_t last_byte_ms = 0;
    uint32_t reopen_at_ms = 0;
    uint32_t next_stack_check_ms = 0;
    size_t stack_logged = 0;
};

void read_meter(Files& files, han::ReaderApp& app, lx106::Board& board, LoopState& state) {
    if (files.meter < 0) {
        if (static_cast<int32_t>(board.millis() - state.reopen_at_ms) < 0) return;
        files.meter = lx106::open_host(files.meter_path, lx106::kHostReadOnly);
        state.reopen_at_ms = board.millis() + kReopenMs;
        if (files.meter >= 0) board.log("meter line reopened");
        return;
    }
    if (!lx106::readable(files.meter, kMeterWaitUs)) return;
    uint8_t bytes[64];  // the ESP8266 sketch's read_meter() takes at most 64 bytes a pass
    const int got = lx106::read_host(files.meter, bytes, sizeof(bytes));
    if (got <= 0) {
        board.log("meter line hang-up or read error; reopening in 1 s");
        lx106::close_host(files.meter);
        files.meter = -1;
        state.reopen_at_ms = board.millis() + kReopenMs;
        return;
    }
    app.on_serial_bytes(bytes, static_cast<size_t>(got), 0);
    state.last_byte_ms = board.millis();
    state.idle_pending = true;
}

void watch_stack(lx106::Board& board, LoopState& state) {
    const uint32_t now = board.millis();
    if (static_cast<int32_t>(now - state.next_stack_check_ms) < 0) return;
    state.next_stack_check_ms = now + kStackCheckMs;
    const size_t used = lx106::stack_high_water();
    if (used <= state.stack_logged) return;
    state.stack_logged = used;
    char line[80];
    snprintf(line, sizeof(line), "stack high-water %u of %u bytes", static_cast<unsigned>(used),
             static_cast<unsigned>(lx106::stack_size()));
    board.log(line);
}

// The board's one reader, in static storage as the sketch's: not on the 4 KiB loop stack.
struct Reader {
    Reader(lx106::Clock& clock, const Files& files, const han::Settings& settings)
        : board(clock, files.settings_path, files.device_id), broker(files.link), app(board, broker, settings) {}

    lx106::Board board;
    lx106::LinkStream broker;
    han::ReaderApp app;
    ConsoleLines console;
};

alignas(Reader) uint8_t g_reader_storage[sizeof(Reader)];
han::Settings g_settings;
lx106::Clock g_clock;
LoopState g_state;

void run(Files& files, Reader& reader) {
    reader.app.start();
    while (!reader.board.reboot_requested()) {
        read_meter(files, reader.app, reader.board, g_state);
        if (g_state.idle_pending && reader.board.millis() - g_state.last_byte_ms >= kIdleMs) {
            g_state.idle_pending = false;
            reader.app.on_serial_idle();
        }
        reader.console.poll(reader.app);
        reader.app.loop();
        watch_stack(reader.board, g_state);
    }
}

bool load_settings(const char* path, han::Settings& settings) {
    static char text[kMaxSettingsFile + 1];
    const int fd = lx106::open_host(path, lx106::kHostReadOnly);
    if (fd < 0) {
        lx106::console_line("hanreader: cannot open the settings file; give a readable file with mqtt_host=...");
        return false;
    }
    const int got = lx106::read_host(fd, text, sizeof(text));
    lx106::close_host(fd);
    if (got < 0 || static_cast<size_t>(got) > kMaxSettingsFile) {
        lx106::console_line("hanreader: the settings file is unreadable or longer than 2048 bytes; shorten it");
        return false;
    }
    text[got] = '\0';
    han::FixedText<200> error;
    if (han::settings_parse(settings, text, error) && han::settings_complete(settings, error)) return true;
    char line[240];
    snprintf(line, sizeof(line), "hanreader: settings file: %s", error.c_str());
    lx106::console_line(line);
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        lx106::console_line("usage: -semihosting-config enable=on,arg=hanreader,arg=METER_PTY,arg=LINK_PTY,"
                            "arg=SETTINGS_FILE[,arg=DEVICE_ID]");
        return 2;
    }
    Files files{argv[1], -1, -1, argv[3], argc > 4 ? argv[4] : "lx106-qemu"};
    if (!load_settings(files.settings_path, g_settings)) return 2;
    files.meter = lx106::open_host(files.meter_path, lx106::kHostReadOnly);
    files.link = lx106::open_host(argv[2], lx106::kHostReadWrite);
    if (files.meter < 0 || files.link < 0) {
        lx106::console_line(files.meter < 0 ? "hanreader: cannot open the meter line; give the simulator's pty"
                                            : "hanreader: cannot open the broker link; give the bridge's pty");
        return 1;
    }
    Reader& reader = *new (g_reader_storage) Reader(g_clock, files, g_settings);
    run(files, reader);
    // A reboot is a reset, as ESP.restart() is: the host files are closed and the image
    // starts over from the reset code, reading the settings it saved.
    reader.broker.close();
    lx106::close_host(files.meter);
    lx106::close_host(files.link);
    _start();
}
