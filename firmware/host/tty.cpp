#include "tty.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace host {

bool Tty::open(const std::string& path) {
    close();
    fd_ = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        error_ = "cannot open tty " + path + ": " + std::strerror(errno) +
                 " (check the path and that you may read it, e.g. the dialout group)";
        return false;
    }
    if (!isatty(fd_)) {
        error_ = path + " is not a tty; give the serial device or pty path";
        close();
        return false;
    }
    return set_line(baud_, even_);
}

namespace {

speed_t speed_of(uint32_t baud) {
    switch (baud) {
    case 9600: return B9600;
    case 115200: return B115200;
    default: return B2400;
    }
}

}  // namespace

bool Tty::set_line(uint32_t baud, bool even) {
    even_ = even;
    baud_ = baud;
    mark_state_ = 0;
    if (fd_ < 0) return false;
    termios mode{};
    if (tcgetattr(fd_, &mode) != 0) {
        error_ = std::string("tcgetattr failed: ") + std::strerror(errno);
        return false;
    }
    cfmakeraw(&mode);
    cfsetispeed(&mode, speed_of(baud));
    cfsetospeed(&mode, speed_of(baud));
    mode.c_cflag |= CLOCAL | CREAD;
    mode.c_cflag &= ~(CSTOPB | PARENB | PARODD);
    mode.c_iflag &= ~(INPCK | PARMRK | IGNPAR);
    if (even) {
        mode.c_cflag |= PARENB;
        mode.c_iflag |= INPCK | PARMRK;  // a bad byte arrives as \377 \0 X, a real \377 as \377 \377
    }
    mode.c_cc[VMIN] = 0;
    mode.c_cc[VTIME] = 0;
    if (tcsetattr(fd_, TCSANOW, &mode) != 0) {
        // A pty has no UART and Linux drops PARENB there; once nothing else changes (a reader
        // restarted on the same pty) it refuses the request with EINVAL. Without PARENB the
        // request stands: INPCK|PARMRK stay, so 0xFF still arrives doubled, as read() expects.
        mode.c_cflag &= ~PARENB;
        if (!(even && errno == EINVAL && tcsetattr(fd_, TCSANOW, &mode) == 0)) {
            error_ = std::string("tcsetattr failed: ") + std::strerror(errno);
            return false;
        }
    }
    return true;
}

int Tty::read(uint8_t* out, size_t capacity, uint32_t& parity_errors) {
    parity_errors = 0;
    uint8_t raw[512];
    const size_t want = capacity < sizeof(raw) ? capacity : sizeof(raw);
    const ssize_t got = ::read(fd_, raw, want);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    if (got <= 0) return -1;  // EIO: the pty master closed or the USB UART was unplugged
    if (!even_) {
        std::memcpy(out, raw, static_cast<size_t>(got));
        return static_cast<int>(got);
    }
    return unmark(raw, static_cast<size_t>(got), out, parity_errors);
}

int Tty::unmark(const uint8_t* in, size_t length, uint8_t* out, uint32_t& parity_errors) {
    size_t stored = 0;
    for (size_t i = 0; i < length; ++i) {
        const uint8_t byte = in[i];
        if (mark_state_ == 0) {
            if (byte == 0xFF) {
                mark_state_ = 1;
            } else {
                out[stored++] = byte;
            }
        } else if (mark_state_ == 1) {
            if (byte == 0xFF) {
                out[stored++] = 0xFF;
                mark_state_ = 0;
            } else {
                mark_state_ = 2;  // \377 \0: the next byte had a parity or framing error
            }
        } else {
            ++parity_errors;
            out[stored++] = byte;  // keep it: the frame's CRC decides, and the count drives detection
            mark_state_ = 0;
        }
    }
    return static_cast<int>(stored);
}

void Tty::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace host
