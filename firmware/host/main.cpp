// hanreader on a POSIX host: one poll() loop over the meter tty, the broker
// socket, the stdin console and the set-up portal.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <string>
#include <unistd.h>

#include "../core/console.h"
#include "../core/reader.h"
#include "host_platform.h"
#include "options.h"
#include "portal_server.h"
#include "tcp_stream.h"
#include "tty.h"

namespace {

// A quiet line for this long ends a frame: about 14 byte times at 2400 baud,
// far shorter than the gap between two pushes.
constexpr uint32_t kIdleMs = 60;
constexpr int kPollMs = 20;
constexpr uint32_t kReopenMs = 1000;

volatile sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

class StdoutSink : public han::ReplySink {
public:
    explicit StdoutSink(han::Platform& platform) : platform_(platform) {}
    void reply(const char* line) override { platform_.console_write(line); }

private:
    han::Platform& platform_;
};

// Collects stdin bytes into lines for the console.
class LineReader {
public:
    template <typename Handle>
    void feed(const char* data, size_t length, Handle handle) {
        for (size_t i = 0; i < length; ++i) {
            if (data[i] == '\n' || data[i] == '\r') {
                line_[used_] = '\0';
                if (used_ > 0) handle(line_);
                used_ = 0;
            } else if (used_ + 1 < sizeof(line_)) {
                line_[used_++] = data[i];
            }
        }
    }

private:
    char line_[256];
    size_t used_ = 0;
};

struct LoopState {
    bool stdin_open = true;
    bool idle_pending = false;
    uint32_t last_byte_ms = 0;
    uint32_t reopen_at_ms = 0;
};

void read_tty(host::Tty& tty, han::ReaderApp& app, host::HostPlatform& platform, LoopState& state) {
    uint8_t bytes[512];
    uint32_t parity_errors = 0;
    const int got = tty.read(bytes, sizeof(bytes), parity_errors);
    if (got < 0) {
        platform.log("tty hang-up or read error; reopening in 1 s");
        tty.close();
        state.reopen_at_ms = platform.millis() + kReopenMs;
        return;
    }
    if (got == 0 && parity_errors == 0) return;
    app.on_serial_bytes(bytes, static_cast<size_t>(got), parity_errors);
    state.last_byte_ms = platform.millis();
    state.idle_pending = true;
}

void read_stdin(han::ReaderApp& app, han::Platform& platform, LineReader& lines, LoopState& state) {
    char data[256];
    const ssize_t got = ::read(STDIN_FILENO, data, sizeof(data));
    if (got <= 0) {
        if (got == 0 || errno != EINTR) state.stdin_open = false;  // no console: keep reading the meter
        return;
    }
    StdoutSink sink(platform);
    lines.feed(data, static_cast<size_t>(got), [&](const char* line) { han::run_console_command(app, line, sink); });
}

// Runs until a signal (returns 0) or a reboot command (returns -1).
int run_once(const host::Options& options, han::Settings& settings, host::Tty& tty) {
    host::HostPlatform platform(tty, options.config_path);
    host::TcpStream broker;
    han::ReaderApp app(platform, broker, settings);
    host::PortalServer portal(app, platform);
    if (options.portal_port >= 0 && !portal.listen(static_cast<uint16_t>(options.portal_port))) return 1;
    LineReader lines;
    LoopState state;
    app.start();
    while (!g_stop && !platform.reboot_requested()) {
        pollfd fds[3 + host::PortalServer::kMaxPollFds];
        nfds_t count = 0;
        const int tty_index = tty.fd() >= 0 ? static_cast<int>(count) : -1;
        if (tty.fd() >= 0) fds[count++] = {tty.fd(), POLLIN, 0};
        const int stdin_index = state.stdin_open ? static_cast<int>(count) : -1;
        if (state.stdin_open) fds[count++] = {STDIN_FILENO, POLLIN, 0};
        if (broker.fd() >= 0) fds[count++] = {broker.fd(), POLLIN, 0};
        count += portal.add_poll_fds(fds + count);
        if (poll(fds, count, kPollMs) < 0 && errno != EINTR) break;
        const uint32_t now = platform.millis();
        if (tty_index >= 0 && fds[tty_index].revents) read_tty(tty, app, platform, state);
        if (tty.fd() < 0 && static_cast<int32_t>(now - state.reopen_at_ms) >= 0) {
            state.reopen_at_ms = now + kReopenMs;
            if (tty.open(options.tty)) platform.log("tty reopened");  // at the parity last set
        }
        if (state.idle_pending && now - state.last_byte_ms >= kIdleMs) {
            state.idle_pending = false;
            app.on_serial_idle();
        }
        if (stdin_index >= 0 && fds[stdin_index].revents) read_stdin(app, platform, lines, state);
        portal.service();
        app.loop();
    }
    settings = app.settings();
    return g_stop ? 0 : -1;
}

}  // namespace

int main(int argc, char** argv) {
    host::Options options;
    std::string message;
    switch (host::parse_options(argc, argv, options, message)) {
    case host::ParseResult::Exit:
        std::printf("%s\n", message.c_str());
        return 0;
    case host::ParseResult::Error:
        std::fprintf(stderr, "hanreader: %s\n", message.c_str());
        return 2;
    case host::ParseResult::Run:
        break;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    host::Tty tty;
    if (!tty.open(options.tty)) {
        std::fprintf(stderr, "hanreader: %s\n", tty.error().c_str());
        return 1;
    }
    han::Settings settings = options.settings;
    int result = -1;
    // "reboot" restarts the application from its saved settings, as the board would.
    while ((result = run_once(options, settings, tty)) < 0) {
    }
    return result;
}
