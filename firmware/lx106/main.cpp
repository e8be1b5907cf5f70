// hanreader on the emulated lx106 board: the core's loop over semihosting.
//   qemu-system-xtensa -M sim -cpu lx106 -display none -monitor none -serial stdio -semihosting-config
//     enable=on,arg=hanreader,arg=METER_PTY,arg=LINK_PTY,arg=SETTINGS_FILE[,arg=DEVICE_ID] -kernel hanreader-lx106.elf
// The bench starts it (bench/dut/qemu.py): the simulator's pty is the meter UART, the
// link pty is bridged to the broker, the settings file is the board's LittleFS file.
#include <stdio.h>

#include "../core/reader.h"
#include "../core/reader_loop.h"
#include "../core/settings.h"
#include "board.h"
#include "link_stream.h"
#include "ports.h"
#include "semihosting.h"
#include "stack_watch.h"

extern "C" [[noreturn]] void _start();  // start.S

// The C++ library's placement new, which this toolchain does not ship.
inline void* operator new(size_t, void* where) noexcept { return where; }

namespace {

constexpr uint32_t kMeterWaitUs = 5000;  // the longest a loop pass sleeps waiting for the meter
constexpr uint32_t kStackCheckMs = 1000;
constexpr size_t kMaxSettingsFile = 2048;

struct Arguments {
    const char* meter_path;
    const char* link_path;
    const char* settings_path;
    const char* device_id;
};

// The board's reader, in static storage as the sketch's: not on the 4 KiB loop stack.
struct Reader {
    Reader(lx106::Clock& clock, const Arguments& arguments, int link_fd, const han::Settings& settings)
        : board(clock, arguments.settings_path, arguments.device_id),
          broker(link_fd),
          meter(arguments.meter_path, board),
          app(board, broker, settings, crypto),
          loop(app, board, meter, &console, nullptr) {}

    lx106::Board board;
    lx106::LinkStream broker;
    lx106::HostFileMeter meter;
    lx106::SemihostingConsole console;
    lx106::NoHmacLibrary crypto;
    han::ReaderApp app;
    han::ReaderLoop loop;  // no thermometer on the emulated board
};

alignas(Reader) uint8_t g_reader_storage[sizeof(Reader)];
han::Settings g_settings;
lx106::Clock g_clock;

// Logs the loop stack's high-water mark each time it has grown, at most once a second.
class StackWatch {
public:
    void check(han::Platform& board) {
        const uint32_t now = board.millis();
        if (static_cast<int32_t>(now - next_check_ms_) < 0) return;
        next_check_ms_ = now + kStackCheckMs;
        const size_t used = lx106::stack_high_water();
        if (used <= logged_) return;
        logged_ = used;
        char line[64];
        snprintf(line, sizeof(line), "stack high-water %u of %u bytes", static_cast<unsigned>(used),
                 static_cast<unsigned>(lx106::stack_size()));
        board.log(line);
    }

private:
    uint32_t next_check_ms_ = 0;
    size_t logged_ = 0;
};

StackWatch g_stack_watch;

bool load_settings(const char* path, han::Settings& settings) {
    static char text[kMaxSettingsFile + 1];
    if (lx106::read_host_file(path, text, sizeof(text)) <= 0) {
        lx106::console_line("hanreader: cannot read the settings file, or it is empty or over 2048 bytes; "
                            "give a file with mqtt_host=... and topic=...");
        return false;
    }
    han::FixedText<200> error;
    if (han::settings_parse(settings, text, error) && han::settings_complete(settings, error)) return true;
    char line[240];
    snprintf(line, sizeof(line), "hanreader: settings file: %s", error.c_str());
    lx106::console_line(line);
    return false;
}

void run(Reader& reader) {
    reader.app.start();
    while (!reader.board.reboot_requested()) {
        // Sleep until the meter sends or 5 ms pass; the core then reads every port without blocking.
        if (reader.meter.fd() >= 0) lx106::readable(reader.meter.fd(), kMeterWaitUs);
        reader.loop.poll();
        g_stack_watch.check(reader.board);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        lx106::console_line("usage: -semihosting-config enable=on,arg=hanreader,arg=METER_PTY,arg=LINK_PTY,"
                            "arg=SETTINGS_FILE[,arg=DEVICE_ID]");
        return 2;
    }
    const Arguments arguments{argv[1], argv[2], argv[3], argc > 4 ? argv[4] : "lx106-qemu"};
    if (!load_settings(arguments.settings_path, g_settings)) return 2;
    const int link_fd = lx106::open_host(arguments.link_path, lx106::kHostReadWrite);
    if (link_fd < 0) {
        lx106::console_line("hanreader: cannot open the broker link; give the bridge's pty");
        return 1;
    }
    Reader& reader = *new (g_reader_storage) Reader(g_clock, arguments, link_fd, g_settings);
    if (!reader.meter.open()) {
        lx106::console_line("hanreader: cannot open the meter line; give the simulator's pty");
        return 1;
    }
    run(reader);
    // A reboot is a reset, as ESP.restart() is: the host files are closed and the image
    // starts over from the reset code, reading the settings it saved.
    reader.broker.close();
    reader.meter.close();
    lx106::close_host(link_fd);
    _start();
}
