// hanreader on a POSIX host: the core's loop, woken by poll() over the meter tty,
// the broker socket, the stdin console and the set-up portal.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <string>
#include <unistd.h>

#include "../core/reader.h"
#include "../core/reader_loop.h"
#include "host_platform.h"
#include "host_ports.h"
#include "mbed_crypto.h"
#include "options.h"
#include "portal_server.h"
#include "tcp_stream.h"
#include "tty.h"

namespace {

// How long one poll() waits when nothing arrives: the idle gap that ends a frame is 60 ms.
constexpr int kPollMs = 20;

volatile sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

// Runs until a signal (returns 0) or a reboot command (returns -1).
int run_once(const host::Options& options, han::Settings& settings, host::Tty& tty) {
    host::HostPlatform platform(tty, options.config_path);
    host::TcpStream broker;
    host::MbedCrypto crypto;
    han::ReaderApp app(platform, broker, settings, crypto);
    host::PortalServer portal(app, platform);
    if (options.portal_port >= 0 && !portal.listen(static_cast<uint16_t>(options.portal_port))) return 1;
    host::TtyMeter meter(tty, options.tty, platform);
    host::StdinConsole console;
    host::W1Thermometer thermometer(options.thermometer);
    han::ReaderLoop loop(app, platform, meter, &console, options.thermometer.empty() ? nullptr : &thermometer);
    app.start();
    while (!g_stop && !platform.reboot_requested()) {
        // Sleep until something arrives; the core then reads every port without blocking.
        pollfd fds[3 + host::PortalServer::kMaxPollFds];
        nfds_t count = 0;
        if (tty.fd() >= 0) fds[count++] = {tty.fd(), POLLIN, 0};
        if (console.open()) fds[count++] = {STDIN_FILENO, POLLIN, 0};
        if (broker.fd() >= 0) fds[count++] = {broker.fd(), POLLIN, 0};
        count += portal.add_poll_fds(fds + count);
        if (poll(fds, count, kPollMs) < 0 && errno != EINTR) break;
        loop.poll();
        portal.service();
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
