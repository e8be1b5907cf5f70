#include "host_platform.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace host {

namespace {

// Every byte or false (a full disk, an I/O error): a short write is a failed save.
bool write_all(int fd, const char* data, size_t length) {
    while (length > 0) {
        const ssize_t n = ::write(fd, data, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        length -= static_cast<size_t>(n);
    }
    return true;
}

uint64_t monotonic_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000000000ULL + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

HostPlatform::HostPlatform(Tty& tty, const std::string& config_path)
    : tty_(tty), config_path_(config_path), start_ns_(monotonic_ns()) {
    // The host's id stands in for the ESP8266's MAC in the "id" field.
    std::snprintf(device_id_, sizeof(device_id_), "host-%08lx",
                  static_cast<unsigned long>(gethostid()) & 0xFFFFFFFFUL);
}

uint32_t HostPlatform::millis() { return static_cast<uint32_t>((monotonic_ns() - start_ns_) / 1000000ULL); }

uint32_t HostPlatform::epoch_seconds() { return static_cast<uint32_t>(std::time(nullptr)); }

void HostPlatform::log(const char* line) {
    // One line per event on stderr, with the CLOCK_MONOTONIC time the bench can line up with its own.
    const uint64_t now = monotonic_ns();
    std::fprintf(stderr, "hanreader %llu.%06llu %s\n", static_cast<unsigned long long>(now / 1000000000ULL),
                 static_cast<unsigned long long>((now / 1000ULL) % 1000000ULL), line);
    std::fflush(stderr);
}

void HostPlatform::console_write(const char* line) {
    std::fprintf(stdout, "%s\n", line);
    std::fflush(stdout);
}

bool HostPlatform::save_settings(const char* text) {
    if (config_path_.empty()) {
        log("settings kept in memory only: start with --config FILE to keep them");
        return true;
    }
    // Written aside, flushed to the disk and renamed, so a crash or power cut leaves
    // either the old file or the new one; mode 0600, since it holds passwords.
    const std::string temporary = config_path_ + ".new";
    errno = 0;
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const size_t length = std::strlen(text);
    bool ok = fd >= 0 && write_all(fd, text, length) && ::fsync(fd) == 0;
    const int saved_errno = errno;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    ok = ok && std::rename(temporary.c_str(), config_path_.c_str()) == 0;
    if (!ok) {
        const int reason = saved_errno ? saved_errno : errno;
        std::string line = "cannot save settings to " + config_path_ + ": " + std::strerror(reason) +
                           "; the previous settings stay in force";
        log(line.c_str());
        if (fd >= 0) ::unlink(temporary.c_str());
    }
    return ok;
}

int HostPlatform::load_settings(char* buffer, size_t capacity) {
    buffer[0] = '\0';
    if (config_path_.empty()) return 0;
    FILE* file = std::fopen(config_path_.c_str(), "rb");
    if (!file) return errno == ENOENT ? 0 : -1;  // none yet is a first run, not a failure
    const size_t got = std::fread(buffer, 1, capacity - 1, file);
    // A file that fills the buffer is longer than any settings text: unreadable, not cut short.
    const bool whole = !std::ferror(file) && got < capacity - 1;
    std::fclose(file);
    buffer[got] = '\0';
    return whole ? static_cast<int>(got) : -1;
}

void HostPlatform::apply_serial(bool even_parity) { apply_line(2400, even_parity); }

void HostPlatform::apply_line(uint32_t baud, bool even_parity) {
    if (tty_.fd() >= 0) tty_.set_line(baud, even_parity);
}

}  // namespace host
