#include "board.h"

#include <stdio.h>
#include <string.h>

#include "semihosting.h"

namespace lx106 {

uint32_t read_ccount() {
    uint32_t value;
    __asm__ volatile("rsr.ccount %0" : "=r"(value));
    return value;
}

uint32_t Clock::millis() {
    const uint32_t now = read_ccount();
    pending_ticks_ += now - last_ccount_;  // unsigned: right across one wrap
    last_ccount_ = now;
    millis_ += pending_ticks_ / kTicksPerMs;
    pending_ticks_ %= kTicksPerMs;
    return millis_;
}

void console_line(const char* line) {
    write_all(kConsoleOut, line, strlen(line));
    write_all(kConsoleOut, "\n", 1);
}

void Board::log(const char* line) {
    // The host build's prefix with the board's uptime for its clock: the bench and the
    // station read both logs alike, and no log line looks like a console reply.
    char prefix[32];
    const uint32_t now = clock_.millis();
    const int length = snprintf(prefix, sizeof(prefix), "hanreader %lu.%03lu ", static_cast<unsigned long>(now / 1000),
                                static_cast<unsigned long>(now % 1000));
    write_all(kConsoleOut, prefix, static_cast<size_t>(length));
    console_line(line);
}

void Board::console_write(const char* line) { console_line(line); }

bool Board::save_settings(const char* text) {
    // Semihosting has no rename: the file is rewritten in place (see docs on the lx106 board).
    const int fd = open_host(settings_path_, kHostWriteNew);
    if (fd < 0) {
        log("cannot save settings: the host refused to open the settings file");
        return false;
    }
    const bool ok = write_all(fd, text, strlen(text));
    return close_host(fd) == 0 && ok;
}

int read_host_file(const char* path, char* buffer, size_t capacity) {
    const int fd = open_host(path, kHostReadOnly);
    if (fd < 0) return 0;  // semihosting gives no errno to tell "missing" from "refused": a first boot
    const int got = read_host(fd, buffer, capacity);
    close_host(fd);
    if (got < 0 || static_cast<size_t>(got) >= capacity) return -1;
    buffer[got] = '\0';
    return got;
}

int Board::load_settings(char* buffer, size_t capacity) { return read_host_file(settings_path_, buffer, capacity); }

void Board::apply_serial(bool even_parity) {
    // A pty has no parity; the board's UART would be set to 8E1 or 8N1 here.
    log(even_parity ? "serial 8E1 (no UART on the emulated board: the pty carries bytes only)"
                    : "serial 8N1 (no UART on the emulated board: the pty carries bytes only)");
}

}  // namespace lx106
